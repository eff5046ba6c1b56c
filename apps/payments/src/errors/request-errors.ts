import type { z } from 'zod';
import { DomainError, type ErrorDetail } from '#http-errors';

export class ValidationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';

  constructor(details: ErrorDetail[]) {
    super('The request is invalid; see details.', details);
  }

  /**
   * One detail per issue of a failed zod parse, named by its field (`whole` when the issue is
   * about the input as a whole); an unknown field gets one detail per key.
   */
  static fromIssues(issues: readonly z.core.$ZodIssue[], whole: string): ValidationFailedError {
    return new ValidationFailedError(
      issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ field: key, message: 'is not a known field' }))
          : [{ field: issue.path.join('.') || whole, message: issue.message }],
      ),
    );
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';

  constructor() {
    super('The request body must be JSON, sent with Content-Type: application/json.');
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';

  constructor() {
    super('Send a valid API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".');
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';

  constructor(override readonly retryAfterSeconds: number) {
    super(`Too many requests for this API key; retry after ${retryAfterSeconds} s (Retry-After).`);
  }
}

/** An API key that is valid, but not for this operation (a client key on an admin route). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';

  constructor() {
    super('This operation needs an admin key (ADMIN_API_KEYS).');
  }
}
