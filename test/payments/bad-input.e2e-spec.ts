import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, TEST_API_KEY, type PaymentsTestApp } from './payments-app.js';
import { anyString, connect, countRows, send, transferBody } from './transfers-api.js';

interface BadInput {
  name: string;
  /** The JSON body, or a raw body when a string or bytes; default: a valid transfer. */
  json?: unknown;
  raw?: string | Uint8Array<ArrayBuffer>;
  /** Headers to add, or with `undefined` to remove, from the valid defaults. */
  headers?: Record<string, string | undefined>;
  status: number;
  code: string;
  /** With VALIDATION_FAILED: the field named in `details`. */
  field?: string;
}

const ACCOUNT = randomUUID();
const without = (field: string) =>
  Object.fromEntries(Object.entries(transferBody()).filter(([key]) => key !== field));
const invalid = (field: string, value: unknown): Omit<BadInput, 'name'> => ({
  json: transferBody({ [field]: value }),
  status: 400,
  code: 'VALIDATION_FAILED',
  field,
});

const cases: BadInput[] = [
  // The body as a whole
  { name: 'malformed JSON', raw: '{"debitAccountId": ', status: 400, code: 'MALFORMED_JSON' },
  { name: 'trailing garbage', raw: '{} x', status: 400, code: 'MALFORMED_JSON' },
  { name: 'a JSON string', raw: '"transfer"', status: 400, code: 'MALFORMED_JSON' },
  { name: 'JSON null', raw: 'null', status: 400, code: 'MALFORMED_JSON' },
  { name: 'empty body', raw: '', status: 400, code: 'VALIDATION_FAILED', field: 'debitAccountId' },
  { name: 'empty object', json: {}, status: 400, code: 'VALIDATION_FAILED', field: 'amount' },
  {
    name: 'an array',
    json: [transferBody()],
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body',
  },
  {
    name: 'oversized body (> 16 KiB)',
    json: transferBody({ memo: 'x'.repeat(17 * 1024) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  // Media type
  {
    name: 'text/plain',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a form',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'no content type',
    raw: new TextEncoder().encode(JSON.stringify(transferBody())),
    headers: { 'content-type': undefined },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a Latin-1 charset',
    headers: { 'content-type': 'application/json; charset=latin1' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'an unknown content encoding',
    headers: { 'content-encoding': 'snappy' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a gzip bomb over 16 KiB once inflated',
    raw: gzipSync(JSON.stringify(transferBody({ memo: ' '.repeat(1024 * 1024) }))),
    headers: { 'content-encoding': 'gzip' },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  // Idempotency-Key
  {
    name: 'no Idempotency-Key',
    headers: { 'idempotency-key': undefined },
    status: 400,
    code: 'IDEMPOTENCY_KEY_MISSING',
  },
  {
    name: 'an empty Idempotency-Key',
    headers: { 'idempotency-key': '' },
    status: 400,
    code: 'IDEMPOTENCY_KEY_MISSING',
  },
  {
    name: 'an Idempotency-Key of 256 characters',
    headers: { 'idempotency-key': 'k'.repeat(256) },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'Idempotency-Key',
  },
  {
    name: 'an Idempotency-Key with a tab',
    headers: { 'idempotency-key': 'a\tb' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'Idempotency-Key',
  },
  // Fields
  ...['debitAccountId', 'creditAccountId', 'amount', 'currency'].map((field): BadInput => ({
    name: `no ${field}`,
    json: without(field),
    status: 400,
    code: 'VALIDATION_FAILED',
    field,
  })),
  { name: 'null debitAccountId', ...invalid('debitAccountId', null) },
  { name: 'null amount', ...invalid('amount', null) },
  { name: 'null currency', ...invalid('currency', null) },
  { name: 'amount as a JSON number', ...invalid('amount', 1050) },
  { name: 'currency as a number', ...invalid('currency', 978) },
  { name: 'account id as a number', ...invalid('creditAccountId', 42) },
  { name: 'negative amount', ...invalid('amount', '-5') },
  { name: 'zero amount', ...invalid('amount', '0') },
  { name: 'amount "-0"', ...invalid('amount', '-0') },
  { name: 'amount "+5"', ...invalid('amount', '+5') },
  { name: 'fractional amount "1.5"', ...invalid('amount', '1.5') },
  { name: 'amount "10.00"', ...invalid('amount', '10.00') },
  { name: 'exponent amount "1e3"', ...invalid('amount', '1e3') },
  { name: 'leading zeros "007"', ...invalid('amount', '007') },
  { name: 'leading space " 5"', ...invalid('amount', ' 5') },
  { name: 'trailing space "5 "', ...invalid('amount', '5 ') },
  { name: 'hex amount "0x10"', ...invalid('amount', '0x10') },
  { name: 'full-width digits', ...invalid('amount', '１２３') },
  { name: 'empty amount', ...invalid('amount', '') },
  { name: 'amount 2^63', ...invalid('amount', '9223372036854775808') },
  { name: 'amount 2^64', ...invalid('amount', '18446744073709551616') },
  { name: 'a 10,000-digit amount', ...invalid('amount', '9'.repeat(10_000)) },
  { name: 'unknown currency "XYZ"', ...invalid('currency', 'XYZ') },
  { name: 'lower-case currency "usd"', ...invalid('currency', 'usd') },
  { name: 'four-letter currency "USDT"', ...invalid('currency', 'USDT') },
  { name: 'two-letter currency "US"', ...invalid('currency', 'US') },
  { name: 'withdrawn currency "HRK"', ...invalid('currency', 'HRK') },
  { name: 'non-UUID account id', ...invalid('debitAccountId', 'account-1') },
  { name: 'UUID without hyphens', ...invalid('creditAccountId', randomUUID().replaceAll('-', '')) },
  { name: 'UUID in braces', ...invalid('debitAccountId', `{${randomUUID()}}`) },
  {
    name: 'same debit and credit account',
    ...invalid('creditAccountId', ACCOUNT),
    json: transferBody({ debitAccountId: ACCOUNT, creditAccountId: ACCOUNT }),
  },
  {
    name: 'same account in another case',
    ...invalid('creditAccountId', ACCOUNT),
    json: transferBody({ debitAccountId: ACCOUNT, creditAccountId: ACCOUNT.toUpperCase() }),
  },
  { name: 'an extra field', ...invalid('memo', 'rent') },
  {
    name: 'a __proto__ field',
    raw: JSON.stringify(transferBody()).replace('{', '{"__proto__":{"x":1},'),
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '__proto__',
  },
];

describe('POST /transfers with bad input', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let pgClient: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('bad-input');
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off' });
    pgClient = await connect(db.url);
  });
  afterAll(async () => {
    await pgClient?.end();
    await payments?.close();
    await db?.drop();
  });

  it(`has at least 30 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('$name → $status $code', async ({ json, raw, headers, status, code, field }) => {
    const response = await send(
      payments.url,
      '/transfers',
      raw ?? JSON.stringify(json ?? transferBody()),
      {
        authorization: `Bearer ${TEST_API_KEY}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        ...headers,
      },
    );

    const answer = (await response.json()) as Record<string, unknown>;
    expect({ status: response.status, code: answer.code }).toEqual({ status, code });
    expect(answer).toEqual({
      statusCode: status,
      code,
      message: anyString,
      ...(code === 'VALIDATION_FAILED' && { details: expect.any(Array) as unknown }),
    });
    if (field !== undefined) {
      expect(answer.details).toContainEqual({ field, message: anyString });
    }
    expect(await countRows(pgClient)).toEqual({ transfers: 0, outbox: 0 });
  });

  it('wrote no transfers row and no outbox row for the whole table', async () => {
    expect(await countRows(pgClient)).toEqual({ transfers: 0, outbox: 0 });
  });
});
