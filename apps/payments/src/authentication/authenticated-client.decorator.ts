import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './api-key.guard.js';

/** The id of the client that `ApiKeyGuard` authenticated. */
export const AuthenticatedClient = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => {
    const { clientId } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (clientId === undefined) {
      throw new Error('@AuthenticatedClient() is used on a route that ApiKeyGuard does not guard');
    }
    return clientId;
  },
);
