import { DomainError, type ErrorDetail } from './domain-error.js';

export class ValidationFailedError extends DomainError {
  readonly code = 'VALIDATION_FAILED';

  constructor(details: ErrorDetail[]) {
    super('The request is invalid; see details.', details);
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
