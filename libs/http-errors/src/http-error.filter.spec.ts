import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
// Payments' own errors, so that each is checked to get its code's status (the ledger's are CodedErrors).
import {
  UnauthenticatedError,
  ValidationFailedError,
} from '../../../apps/payments/src/errors/request-errors.js';
import { EventTooLargeError } from '../../../apps/payments/src/outbox/outbox.errors.js';
import {
  IdempotencyKeyReusedError,
  TransferNotFoundError,
} from '../../../apps/payments/src/transfers/transfer.errors.js';
import { CodedError } from './error-codes.js';
import { errorBodyFor, type HttpErrorFilterOptions } from './http-error.filter.js';

/** As configure-payments-app.ts and configure-ledger-app.ts set the filter up. */
const payments: HttpErrorFilterOptions = {
  databaseRetry: 'retry with the same Idempotency-Key',
  authenticateScheme: 'Bearer',
  maxBodyBytes: 16 * 1024,
};
const ledger: HttpErrorFilterOptions = { databaseRetry: 'retry later' };

/** What Nest makes of a body-parser error (an http-errors error with a `type`). */
function parserError(status: number, type: string): HttpException {
  return new HttpException('parser message', status, {
    cause: Object.assign(new Error('parser message'), { status, type }),
  });
}

const anyString: unknown = expect.any(String);

describe('errorBodyFor (payments)', () => {
  it.each([
    [
      'ValidationFailedError',
      new ValidationFailedError([{ field: 'amount', message: 'm' }]),
      400,
      'VALIDATION_FAILED',
    ],
    ['UnauthenticatedError', new UnauthenticatedError(), 401, 'UNAUTHENTICATED'],
    ['TransferNotFoundError', new TransferNotFoundError(), 404, 'TRANSFER_NOT_FOUND'],
    ['IdempotencyKeyReusedError', new IdempotencyKeyReusedError(), 422, 'IDEMPOTENCY_KEY_REUSED'],
    ['EventTooLargeError', new EventTooLargeError(70_000, 65_536), 413, 'EVENT_TOO_LARGE'],
  ])('%s maps to its status and code', (_, exception, statusCode, code) => {
    expect(errorBodyFor(exception, payments)).toMatchObject({ statusCode, code });
  });

  it('passes validation details on', () => {
    const details = [{ field: 'amount', message: 'must be at most 9223372036854775807' }];
    expect(errorBodyFor(new ValidationFailedError(details), payments)).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid; see details.',
      details,
    });
  });

  it.each([
    [
      'a connection refused',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    [
      'an administrator shutdown (57P01)',
      Object.assign(new Error('terminating'), { code: '57P01' }),
    ],
    ['a read-only database (25006)', Object.assign(new Error('read-only'), { code: '25006' })],
    ['too many connections (53300)', Object.assign(new Error('too many'), { code: '53300' })],
  ])('answers %s with 503 DATABASE_UNAVAILABLE, nothing internal', (_, exception) => {
    expect(errorBodyFor(exception, payments)).toEqual({
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is not available; retry with the same Idempotency-Key.',
    });
  });
});

describe('errorBodyFor (ledger)', () => {
  it("passes the controller's own error bodies on", () => {
    const body = { statusCode: 404, code: 'ACCOUNT_NOT_FOUND', message: 'no account x' };
    expect(errorBodyFor(new NotFoundException(body), ledger)).toEqual(body);
  });

  it.each([
    ['ACCOUNT_NOT_FOUND', 404, undefined],
    ['ACCOUNT_EXISTS', 409, undefined],
    ['UNAUTHENTICATED', 401, undefined],
    ['VALIDATION_FAILED', 400, [{ field: '', message: 'Invalid input' }]],
  ] as const)('answers its %s with %d', (code, statusCode, details) => {
    const body = { statusCode, code, message: 'm', ...(details && { details }) };
    expect(errorBodyFor(new CodedError(code, 'm', details && [...details]), ledger)).toEqual(body);
  });
});

describe('errorBodyFor, where the apps differ', () => {
  const outage = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

  it.each([
    ['payments', payments, 'retry with the same Idempotency-Key.'],
    ['the ledger', ledger, 'retry later.'],
  ])('tells how to retry a database outage in %s', (_, options, retry) => {
    expect(errorBodyFor(outage, options).message).toBe(`The database is not available; ${retry}`);
  });

  it.each([
    [
      'payments',
      payments,
      "the API's own words, naming the limit",
      'The request body is larger than 16 KiB.',
    ],
    ['the ledger', ledger, "the parser's words", 'parser message'],
  ])('answers a body-parser error in %s in %s', (_, options, _words, message) => {
    expect(errorBodyFor(parserError(413, 'entity.too.large'), options)).toEqual({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message,
    });
  });
});

describe.each([
  ['payments', payments],
  ['the ledger', ledger],
])('errorBodyFor, alike in both apps (%s)', (_, options) => {
  it.each([
    ['entity.parse.failed', parserError(400, 'entity.parse.failed'), 400, 'MALFORMED_JSON'],
    ['entity.too.large', parserError(413, 'entity.too.large'), 413, 'PAYLOAD_TOO_LARGE'],
    ['charset.unsupported', parserError(415, 'charset.unsupported'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'encoding.unsupported',
      parserError(415, 'encoding.unsupported'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['another parser error', parserError(400, 'request.aborted'), 400, 'BAD_REQUEST'],
    ['unknown route', new NotFoundException('Cannot GET /x'), 404, 'NOT_FOUND'],
    [
      'undecodable path',
      new BadRequestException("Failed to decode param '%zz'"),
      400,
      'BAD_REQUEST',
    ],
  ])('gives a code to %s', (_, exception, statusCode, code) => {
    expect(errorBodyFor(exception, options)).toEqual({ statusCode, code, message: anyString });
  });

  it.each([
    ['an Error', new Error('connection refused at 10.0.0.3')],
    ['an Error naming a relation', new Error('relation "accounts" does not exist')],
    ['a 5xx HttpException', new HttpException('boom', 503)],
    ['a 502 HttpException', new HttpException('boom', 502)],
    ['a thrown string', 'thrown'],
  ])('hides %s behind a generic 500', (_, exception) => {
    expect(errorBodyFor(exception, options)).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal error.',
    });
  });
});
