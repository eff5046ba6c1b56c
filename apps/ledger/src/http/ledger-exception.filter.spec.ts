import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ledgerErrorBody } from './ledger-exception.filter.js';

/** What Nest makes of a body-parser error (an http-errors error with a `type`). */
function parserError(status: number, type: string): HttpException {
  return new HttpException('parser message', status, {
    cause: Object.assign(new Error('parser message'), { status, type }),
  });
}

const anyString: unknown = expect.any(String);

describe('ledgerErrorBody', () => {
  it("passes the controller's own error bodies on", () => {
    const body = { statusCode: 404, code: 'ACCOUNT_NOT_FOUND', message: 'no account x' };
    expect(ledgerErrorBody(new NotFoundException(body))).toEqual(body);
  });

  it.each([
    ['unknown route', new NotFoundException('Cannot GET /x'), 404, 'NOT_FOUND'],
    [
      'undecodable path',
      new BadRequestException("Failed to decode param '%zz'"),
      400,
      'BAD_REQUEST',
    ],
    ['entity.parse.failed', parserError(400, 'entity.parse.failed'), 400, 'MALFORMED_JSON'],
    ['entity.too.large', parserError(413, 'entity.too.large'), 413, 'PAYLOAD_TOO_LARGE'],
    [
      'encoding.unsupported',
      parserError(415, 'encoding.unsupported'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['another parser error', parserError(400, 'request.aborted'), 400, 'BAD_REQUEST'],
  ])('gives a code to %s', (_, exception, statusCode, code) => {
    expect(ledgerErrorBody(exception)).toEqual({ statusCode, code, message: anyString });
  });

  it.each([
    ['an Error', new Error('relation "accounts" does not exist')],
    ['a 5xx HttpException', new HttpException('boom', 502)],
    ['a thrown string', 'thrown'],
  ])('hides %s behind a generic 500', (_, exception) => {
    expect(ledgerErrorBody(exception)).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal error.',
    });
  });
});
