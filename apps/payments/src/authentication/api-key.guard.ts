import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { paymentsConfig, type PaymentsConfig } from '../config/payments.config.js';
import { UnauthenticatedError } from '../errors/request-errors.js';
import { apiKeyLookup, presentedApiKey } from './api-keys.js';

/** A request that passed `ApiKeyGuard`: the client it authenticated as. */
export interface AuthenticatedRequest extends IncomingMessage {
  clientId?: string;
}

/**
 * Lets a request through only with a configured API key (`API_KEYS`), and records the client it
 * belongs to: the client scopes idempotency keys and which transfers a request can see.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly clientOf: (key: string) => string | undefined;

  constructor(@Inject(paymentsConfig.KEY) config: PaymentsConfig) {
    this.clientOf = apiKeyLookup(config.apiKeys);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedApiKey(request.headers);
    const clientId = key === undefined ? undefined : this.clientOf(key);
    if (clientId === undefined) throw new UnauthenticatedError();
    request.clientId = clientId;
    return true;
  }
}
