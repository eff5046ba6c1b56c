import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, TEST_API_KEY, type PaymentsTestApp } from './payments-app.js';
import { anyString, connect, countRows, send, transferBody } from './transfers-api.js';

describe('authentication', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let pgClient: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('authentication');
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off' });
    pgClient = await connect(db.url);
  });
  afterAll(async () => {
    await pgClient?.end();
    await payments?.close();
    await db?.drop();
  });

  function post(credentials: Record<string, string>): Promise<Response> {
    return send(payments.url, '/transfers', JSON.stringify(transferBody()), {
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
      ...credentials,
    });
  }

  it.each([
    ['no credentials', {}],
    ['a wrong bearer key', { authorization: 'Bearer wrong-key-0123456789' }],
    ['a wrong X-API-Key', { 'x-api-key': 'wrong-key-0123456789' }],
    ['a key one character short', { 'x-api-key': TEST_API_KEY.slice(0, -1) }],
    ['a key with a character more', { 'x-api-key': `${TEST_API_KEY}x` }],
    ['a bearer scheme without a key', { authorization: 'Bearer' }],
    ['the key under another scheme', { authorization: `Basic ${TEST_API_KEY}` }],
    ['the key as the whole Authorization header', { authorization: TEST_API_KEY }],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_, credentials) => {
    const response = await post(credentials);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({
      statusCode: 401,
      code: 'UNAUTHENTICATED',
      message: anyString,
    });
  });

  it('wrote nothing for refused requests', async () => {
    expect(await countRows(pgClient)).toEqual({ transfers: 0, outbox: 0 });
  });

  it.each([
    ['Authorization: Bearer', { authorization: `Bearer ${TEST_API_KEY}` }],
    ['Authorization: bearer (any case)', { authorization: `bearer ${TEST_API_KEY}` }],
    ['X-API-Key', { 'x-api-key': TEST_API_KEY }],
  ])('accepts the key as %s', async (_, credentials) => {
    expect((await post(credentials)).status).toBe(202);
  });

  it('guards GET /transfers/:id too', async () => {
    const response = await fetch(`${payments.url}/transfers/${randomUUID()}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it.each(['/health/live', '/docs-json', '/docs'])('leaves %s public', async (path) => {
    expect((await fetch(`${payments.url}${path}`)).status).toBe(200);
  });
});
