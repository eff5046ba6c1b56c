import { Module } from '@nestjs/common';
import { ClientRateLimiter } from './client-rate-limit.guard.js';

/**
 * What the guards share: one rate limiter per process, so a client's budget is one budget
 * whichever endpoints it calls. The guards themselves (`ApiKeyGuard`, `ClientRateLimitGuard`,
 * `AdminKeyGuard`) are instantiated by Nest where `@UseGuards` names them.
 */
@Module({ providers: [ClientRateLimiter], exports: [ClientRateLimiter] })
export class AuthenticationModule {}
