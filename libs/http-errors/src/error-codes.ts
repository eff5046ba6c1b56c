import { HttpStatus } from '@nestjs/common';

/**
 * Every code the payments and ledger APIs answer with, and its HTTP status. Clients branch on the
 * code, never on the message, so a code and its status stay as published: the OpenAPI documents
 * and the e2e tests name them. A code both APIs use means the same in both.
 */
export const ERROR_STATUS = {
  // Both APIs.
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  MALFORMED_JSON: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  ACCOUNT_NOT_FOUND: HttpStatus.NOT_FOUND,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
  DATABASE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  // Payments only.
  IDEMPOTENCY_KEY_MISSING: HttpStatus.BAD_REQUEST,
  INVALID_TRANSFER_ID: HttpStatus.BAD_REQUEST,
  INVALID_ACCOUNT_ID: HttpStatus.BAD_REQUEST,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  TRANSFER_NOT_FOUND: HttpStatus.NOT_FOUND,
  EVENT_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  IDEMPOTENCY_KEY_REUSED: HttpStatus.UNPROCESSABLE_ENTITY,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  LEDGER_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  // The ledger only.
  ACCOUNT_EXISTS: HttpStatus.CONFLICT,
} as const satisfies Record<string, HttpStatus>;

/**
 * A code of `ERROR_STATUS`. Routing and framework errors (an unknown route, a bad method) are
 * answered with their status's name instead (`NOT_FOUND`, `METHOD_NOT_ALLOWED`), not listed here.
 */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** One invalid input: `field` is a body field, header or query parameter name. */
export interface ErrorDetail {
  field: string;
  message: string;
}

/**
 * An expected failure with a machine-readable code. Services, guards and request parsers throw
 * these instead of HTTP exceptions, so they stay free of transport concerns; the exception filter
 * answers each with its code's status.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** When set, sent as Retry-After: how long the client should wait (a 429's window). */
  readonly retryAfterSeconds?: number;

  constructor(
    message: string,
    readonly details?: ErrorDetail[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A `DomainError` whose code is given where it is thrown: for an API with a few one-off errors
 * (the ledger's), where a class for each would say no more than the code.
 */
export class CodedError extends DomainError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: ErrorDetail[],
  ) {
    super(message, details);
  }
}
