import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { UnauthenticatedError, ValidationFailedError } from '../errors/request-errors.js';
import { EventTooLargeError } from '../outbox/outbox.errors.js';
import { IdempotencyKeyReusedError, TransferNotFoundError } from '../transfers/transfer.errors.js';
import { errorBodyFor } from './api-exception.filter.js';

/** What Nest makes of a body-parser error (an http-errors error with a `type`). */
function parserError(status: number, type: string): HttpException {
  return new HttpException('parser message', status, {
    cause: Object.assign(new Error('parser message'), { status, type }),
  });
}

describe('errorBodyFor', () => {
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
    ['entity.parse.failed', parserError(400, 'entity.parse.failed'), 400, 'MALFORMED_JSON'],
    ['entity.too.large', parserError(413, 'entity.too.large'), 413, 'PAYLOAD_TOO_LARGE'],
    ['charset.unsupported', parserError(415, 'charset.unsupported'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'encoding.unsupported',
      parserError(415, 'encoding.unsupported'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['request.aborted', parserError(400, 'request.aborted'), 400, 'BAD_REQUEST'],
    ['unknown route', new NotFoundException('Cannot GET /x'), 404, 'NOT_FOUND'],
    ['undecodable path', new BadRequestException('Failed to decode param'), 400, 'BAD_REQUEST'],
  ])('%s maps to its status and code', (_, exception, statusCode, code) => {
    expect(errorBodyFor(exception)).toMatchObject({ statusCode, code });
  });

  it('passes validation details on', () => {
    const details = [{ field: 'amount', message: 'must be at most 9223372036854775807' }];
    expect(errorBodyFor(new ValidationFailedError(details))).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid; see details.',
      details,
    });
  });

  it.each([
    ['an Error', new Error('connection refused at 10.0.0.3')],
    ['a 5xx HttpException', new HttpException('boom', 503)],
    ['a thrown string', 'thrown'],
  ])('hides %s behind a generic 500', (_, exception) => {
    expect(errorBodyFor(exception)).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal error.',
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
    expect(errorBodyFor(exception)).toEqual({
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is not available; retry with the same Idempotency-Key.',
    });
  });
});
