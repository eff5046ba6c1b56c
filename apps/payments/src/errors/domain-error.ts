/**
 * Every code the API answers with. Clients branch on the code, never on the message; the one
 * exception filter (http/api-exception.filter.ts) maps each code to an HTTP status.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'IDEMPOTENCY_KEY_MISSING'
  | 'INVALID_TRANSFER_ID'
  | 'UNAUTHENTICATED'
  | 'TRANSFER_NOT_FOUND'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'EVENT_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'ACCOUNT_NOT_FOUND'
  | 'INVALID_ACCOUNT_ID'
  | 'FORBIDDEN'
  | 'LEDGER_UNAVAILABLE';

/** One invalid input: `field` is a body field, header or query parameter name. */
export interface ErrorDetail {
  field: string;
  message: string;
}

/**
 * An expected failure with a machine-readable code. Services and request parsers throw these
 * instead of HTTP exceptions, so they stay free of transport concerns.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  constructor(
    message: string,
    readonly details?: ErrorDetail[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
