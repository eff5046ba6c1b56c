import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { paymentsConfig, type PaymentsConfig } from '../config/payments.config.js';
import { RateLimitedError } from '../errors/request-errors.js';
import type { AuthenticatedRequest } from './api-key.guard.js';

/**
 * Requests per API client in fixed windows (`RATE_LIMIT_REQUESTS` per `RATE_LIMIT_WINDOW_MS`;
 * 0 requests: no limit). Keyed by client, not by IP, so one client cannot starve the others
 * however many addresses it calls from. One entry per configured client, so memory is bounded.
 * The counts live in each instance: with N replicas a client gets up to N times the limit (a
 * shared store such as Redis would make it global).
 */
@Injectable()
export class ClientRateLimiter {
  private readonly windows = new Map<string, { startsAt: number; count: number }>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(@Inject(paymentsConfig.KEY) config: PaymentsConfig) {
    this.limit = config.rateLimit.requests;
    this.windowMs = config.rateLimit.windowMs;
  }

  /** Counts one request of `clientId`; throws `RateLimitedError` past the limit. */
  take(clientId: string, now = Date.now()): void {
    if (this.limit === 0) return;
    let window = this.windows.get(clientId);
    if (!window || now - window.startsAt >= this.windowMs) {
      window = { startsAt: now, count: 0 };
      this.windows.set(clientId, window);
    }
    if (window.count >= this.limit) {
      const waitMs = window.startsAt + this.windowMs - now;
      throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
    }
    window.count++;
  }
}

/**
 * Refuses a client's request past its budget with `429 RATE_LIMITED` and `Retry-After`, before
 * any work. Listed after `ApiKeyGuard`, which names the client (a request without one never
 * gets here).
 */
@Injectable()
export class ClientRateLimitGuard implements CanActivate {
  constructor(private readonly limiter: ClientRateLimiter) {}

  canActivate(context: ExecutionContext): boolean {
    const { clientId } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (clientId !== undefined) this.limiter.take(clientId);
    return true;
  }
}
