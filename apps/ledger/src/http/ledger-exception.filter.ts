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

/** The body of every error answer of the ledger's HTTP API, as in the payments API. */
export interface LedgerErrorBody {
  statusCode: number;
  /** Machine-readable: clients branch on it, never on the message. */
  code: string;
  message: string;
  details?: Array<{ field: string; message: string }>;
}

/**
 * Codes for errors of the JSON body parser, by their `type`
 * (https://github.com/expressjs/body-parser#errors); Nest hands them over as an HttpException
 * whose `cause` is the parser's error.
 */
const bodyParserCodes: Record<string, string> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * The answer to any error. The controller's own 4xx bodies already carry a code and pass as
 * they are; routing and body-parsing errors get one from their status or parser error type;
 * anything else is a 500 that reveals nothing internal.
 */
export function ledgerErrorBody(exception: unknown): LedgerErrorBody {
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    if (isErrorBody(response)) return response;
    const type = (exception.cause as { type?: unknown } | undefined)?.type;
    const code =
      (typeof type === 'string' && bodyParserCodes[type]) || HttpStatus[statusCode] || 'HTTP_ERROR';
    return { statusCode, code, message: exception.message };
  }
  if (dependencyOutage(exception)) {
    return {
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is not available; retry later.',
    };
  }
  return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal error.' };
}

/** Every error of the ledger's HTTP API as a `LedgerErrorBody` with a `code`. */
@Catch()
export class LedgerExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(LedgerExceptionFilter.name);

  constructor(private readonly httpAdapter: HttpServer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response: unknown = host.switchToHttp().getResponse();
    if (exception instanceof ServiceUnavailableException) {
      // Deliberate 503s (the readiness check's report) keep their status and body.
      this.httpAdapter.reply(response, exception.getResponse(), 503);
      return;
    }
    const body = ledgerErrorBody(exception);
    if (body.statusCode === 503) {
      this.logger.warn(`database unavailable: ${dependencyOutage(exception)}`);
      this.httpAdapter.setHeader(response, 'Retry-After', '1');
    } else if (body.statusCode >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    this.httpAdapter.reply(response, body, body.statusCode);
  }
}

function isErrorBody(value: unknown): value is LedgerErrorBody {
  const body = value as Partial<LedgerErrorBody> | null;
  return typeof body === 'object' && body !== null && typeof body.code === 'string';
}
