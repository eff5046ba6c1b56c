import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  ServiceUnavailableException,
  type ArgumentsHost,
  type ExceptionFilter,
  type HttpServer,
} from '@nestjs/common';
import { dependencyOutage } from '#kafka-eos';
import type { ErrorBody } from './error-body.js';
import { DomainError, ERROR_STATUS, type ErrorCode } from './error-codes.js';

/** Where the two APIs answer differently; everything else is the same for both. */
export interface HttpErrorFilterOptions {
  /**
   * How to retry after a 503 DATABASE_UNAVAILABLE, the end of its message: a payments request is
   * safe to retry only with the same Idempotency-Key (`'retry with the same Idempotency-Key'`),
   * a ledger request as it is (`'retry later'`).
   */
  databaseRetry: string;
  /** Sent as WWW-Authenticate with every 401 (payments' `'Bearer'`); none when absent. */
  authenticateScheme?: string;
  /**
   * The app's JSON body limit. With it, body-parser errors are answered in the API's own words,
   * naming the limit (payments); without it, in the parser's (the ledger).
   */
  maxBodyBytes?: number;
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Errors of the JSON body parser, by their `type` (https://github.com/expressjs/body-parser#errors).
 * Nest hands them over wrapped in an HttpException whose `cause` is the parser's error.
 */
const bodyParserErrors: Record<string, { code: ErrorCode; message: (maxBytes: number) => string }> =
  {
    'entity.parse.failed': {
      code: 'MALFORMED_JSON',
      message: () => 'The request body is not valid JSON, or not a JSON object or array.',
    },
    'entity.too.large': {
      code: 'PAYLOAD_TOO_LARGE',
      message: (maxBytes) => `The request body is larger than ${maxBytes / 1024} KiB.`,
    },
    'charset.unsupported': {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: () => 'The request body must be encoded in UTF-8.',
    },
    'encoding.unsupported': {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: () =>
        'Unsupported Content-Encoding: send the body uncompressed or as gzip, deflate or br.',
    },
  };

/**
 * The answer to any error: a status and an `ErrorBody`; nothing internal reaches a client.
 * A `DomainError` gets its code's status; an HttpException under 500 whose response is already an
 * `ErrorBody` passes as it is; routing and body-parsing errors get a code from their parser error
 * type or status; a database outage is a 503; anything else a 500.
 */
export function errorBodyFor(exception: unknown, options: HttpErrorFilterOptions): ErrorBody {
  if (exception instanceof DomainError) {
    const { code, message, details } = exception;
    return { statusCode: ERROR_STATUS[code], code, message, ...(details && { details }) };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    if (isErrorBody(response)) return response;
    const parserError = bodyParserErrors[parserErrorType(exception.cause)];
    if (parserError) {
      const { code } = parserError;
      const { maxBodyBytes } = options;
      const message =
        maxBodyBytes === undefined ? exception.message : parserError.message(maxBodyBytes);
      return { statusCode: ERROR_STATUS[code], code, message };
    }
    // Routing and framework errors, e.g. 404 for an unknown route → NOT_FOUND.
    return { statusCode, code: HttpStatus[statusCode] ?? 'HTTP_ERROR', message: exception.message };
  }
  if (dependencyOutage(exception)) {
    // Down, restarting, out of connections or read-only: the request may have been applied or
    // not, and a retry gets the one answer either way.
    return {
      statusCode: ERROR_STATUS.DATABASE_UNAVAILABLE,
      code: 'DATABASE_UNAVAILABLE',
      message: `The database is not available; ${options.databaseRetry}.`,
    };
  }
  return {
    statusCode: ERROR_STATUS.INTERNAL_ERROR,
    code: 'INTERNAL_ERROR',
    message: 'Internal error.',
  };
}

/**
 * Turns every exception, also those of routing and body parsing, into an `ErrorBody`: the one
 * filter of both APIs, so that the same failure is answered alike in both.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  constructor(
    private readonly httpAdapter: HttpServer,
    private readonly options: HttpErrorFilterOptions,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response: unknown = host.switchToHttp().getResponse();
    if (exception instanceof ServiceUnavailableException) {
      // Deliberate 503s (the readiness check's report) keep their status and body.
      this.httpAdapter.reply(response, exception.getResponse(), 503);
      return;
    }
    const body = errorBodyFor(exception, this.options);
    if (body.statusCode === 503) {
      this.logger.warn(
        exception instanceof DomainError
          ? `${exception.message} (${String((exception.cause as Error | undefined)?.message)})`
          : `database unavailable: ${dependencyOutage(exception)}`,
      );
    } else if (body.statusCode >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    const { authenticateScheme } = this.options;
    if (body.statusCode === 401 && authenticateScheme !== undefined) {
      this.httpAdapter.setHeader(response, 'WWW-Authenticate', authenticateScheme);
    }
    const retryAfter =
      (exception instanceof DomainError ? exception.retryAfterSeconds : undefined) ??
      (body.statusCode === 503 ? RETRY_AFTER_SECONDS : undefined);
    if (retryAfter !== undefined) {
      this.httpAdapter.setHeader(response, 'Retry-After', String(retryAfter));
    }
    this.httpAdapter.reply(response, body, body.statusCode);
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  const body = value as Partial<ErrorBody> | null;
  return typeof body === 'object' && body !== null && typeof body.code === 'string';
}

function parserErrorType(cause: unknown): string {
  const type = (cause as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : '';
}
