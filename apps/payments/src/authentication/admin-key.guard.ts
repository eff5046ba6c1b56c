import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { paymentsConfig, type PaymentsConfig } from '../config/payments.config.js';
import { ForbiddenError, UnauthenticatedError } from '../errors/request-errors.js';
import type { AuthenticatedRequest } from './api-key.guard.js';
import { apiKeyLookup, presentedApiKey } from './api-keys.js';

/**
 * Lets a request through only with an operator's key (`ADMIN_API_KEYS`). A client's valid key
 * is `403 FORBIDDEN` (known, not allowed); anything else `401`. The request then acts as
 * `admin:<name>`: a namespace no client id can take (client ids have no colon), so an admin's
 * idempotency keys and fundings are its own.
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly adminOf: (key: string) => string | undefined;
  private readonly clientOf: (key: string) => string | undefined;

  constructor(@Inject(paymentsConfig.KEY) config: PaymentsConfig) {
    this.adminOf = apiKeyLookup(config.adminApiKeys);
    this.clientOf = apiKeyLookup(config.apiKeys);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedApiKey(request.headers);
    const admin = key === undefined ? undefined : this.adminOf(key);
    if (admin !== undefined) {
      request.clientId = `admin:${admin}`;
      return true;
    }
    if (key !== undefined && this.clientOf(key) !== undefined) throw new ForbiddenError();
    throw new UnauthenticatedError();
  }
}
