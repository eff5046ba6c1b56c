import {
  Catch,
  HttpException,
  ServiceUnavailableException,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
  type HttpServer,
} from '@nestjs/common';
import { dependencyOutage } from '#kafka-eos';
import { DomainError, type ErrorCode } from '../errors/domain-error.js';
import { RateLimitedError } from '../errors/request-errors.js';
import type { ErrorBody } from './error-body.js';
import { MAX_BODY_BYTES } from './json-body.js';

const statusOf: Record<ErrorCode, HttpStatus> = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  IDEMPOTENCY_KEY_MISSING: HttpStatus.BAD_REQUEST,
  INVALID_TRANSFER_ID: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  TRANSFER_NOT_FOUND: HttpStatus.NOT_FOUND,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  IDEMPOTENCY_KEY_REUSED: HttpStatus.UNPROCESSABLE_ENTITY,
  EVENT_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  ACCOUNT_NOT_FOUND: HttpStatus.NOT_FOUND,
  INVALID_ACCOUNT_ID: HttpStatus.BAD_REQUEST,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  LEDGER_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Errors of the JSON body parser, by their `type` (https://github.com/expressjs/body-parser#errors).
 * Nest hands them over wrapped in an HttpException whose `cause` is the parser's error.
 */
const bodyParserErrors: Record<string, { code: string; message: string }> = {
  'entity.parse.failed': {
    code: 'MALFORMED_JSON',
    message: 'The request body is not valid JSON, or not a JSON object or array.',
  },
  'entity.too.large': {
    code: 'PAYLOAD_TOO_LARGE',
    message: `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`,
  },
  'charset.unsupported': {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body must be encoded in UTF-8.',
  },
  'encoding.unsupported': {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported Content-Encoding: send the body uncompressed or as gzip, deflate or br.',
  },
};

/** The answer to any error: a status and an `ErrorBody`. Nothing internal reaches a client. */
export function errorBodyFor(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    const { code, message, details } = exception;
    return { statusCode: statusOf[code], code, message, ...(details && { details }) };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const statusCode = exception.getStatus();
    const parserError = bodyParserErrors[parserErrorType(exception.cause)];
    if (parserError) return { statusCode, ...parserError };
    // Routing and framework errors, e.g. 404 for an unknown route → NOT_FOUND.
    return { statusCode, code: HttpStatus[statusCode] ?? 'HTTP_ERROR', message: exception.message };
  }
  if (dependencyOutage(exception)) {
    // Down, restarting, out of connections or read-only: the request may have been applied or
    // not, and a retry with the same Idempotency-Key gets the one answer either way.
    return {
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is not available; retry with the same Idempotency-Key.',
    };
  }
  return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal error.' };
}

/** Seconds a client should wait before retrying a 503 DATABASE_UNAVAILABLE. */
export const RETRY_AFTER_SECONDS = 1;

/** Turns every exception, also those of routing and body parsing, into an `ErrorBody`. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  constructor(private readonly httpAdapter: HttpServer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof ServiceUnavailableException) {
      // Deliberate 503s (the readiness check's report) keep their status and body.
      this.httpAdapter.reply(host.switchToHttp().getResponse(), exception.getResponse(), 503);
      return;
    }
    const body = errorBodyFor(exception);
    if (body.statusCode === 503) {
      this.logger.warn(
        exception instanceof DomainError
          ? `${exception.message} (${String((exception.cause as Error | undefined)?.message)})`
          : `database unavailable: ${dependencyOutage(exception)}`,
      );
    } else if (body.statusCode >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    const response: unknown = host.switchToHttp().getResponse();
    if (body.statusCode === 401) this.httpAdapter.setHeader(response, 'WWW-Authenticate', 'Bearer');
    if (body.statusCode === 503) {
      this.httpAdapter.setHeader(response, 'Retry-After', String(RETRY_AFTER_SECONDS));
    }
    if (exception instanceof RateLimitedError) {
      this.httpAdapter.setHeader(response, 'Retry-After', String(exception.retryAfterSeconds));
    }
    this.httpAdapter.reply(response, body, body.statusCode);
  }
}

function parserErrorType(cause: unknown): string {
  const type = (cause as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : '';
}
