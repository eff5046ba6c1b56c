import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { bearerCredential, secretMatcher } from '#config';
import { CodedError } from '#http-errors';
import { ledgerConfig, type LedgerConfig } from '../config/ledger.config.js';

/**
 * The ledger's HTTP API is internal: only a service holding `LEDGER_API_TOKEN` (payments) may
 * call it. Clients reach accounts through the payments API, which checks who owns them.
 */
@Injectable()
export class ServiceTokenGuard implements CanActivate {
  private readonly matches: (presented: string | undefined) => true | undefined;

  constructor(@Inject(ledgerConfig.KEY) config: LedgerConfig) {
    this.matches = secretMatcher(new Map([[config.apiToken, true as const]]));
  }

  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.switchToHttp().getRequest<IncomingMessage>();
    if (this.matches(bearerCredential(headers.authorization))) return true;
    throw new CodedError(
      'UNAUTHENTICATED',
      'The ledger API is internal: send the service token as "Authorization: Bearer".',
    );
  }
}
