import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import {
  startPaymentsApp,
  TEST_API_KEY,
  TEST_CLIENT,
  type PaymentsTestApp,
} from './payments-app.js';
import {
  anyString,
  connect,
  countRows,
  registerAccounts,
  send,
  transferBody,
} from './transfers-api.js';

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

  async function post(credentials: Record<string, string>): Promise<Response> {
    const body = transferBody();
    await registerAccounts(payments.url, body, TEST_CLIENT);
    return send(payments.url, '/transfers', JSON.stringify(body), {
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

  it('leaves /health/live public, on both listeners', async () => {
    expect((await fetch(`${payments.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${payments.managementUrl}/health/live`)).status).toBe(200);
  });

  it.each(['/metrics', '/docs', '/docs-json', '/docs/', '/METRICS', '/metrics?x=1'])(
    'serves %s on the management listener only: 404 on the public one, as an unknown route',
    async (path) => {
      const onPublic = await fetch(`${payments.url}${path}`);
      expect(onPublic.status).toBe(404);
      expect(await onPublic.json()).toMatchObject({ code: 'NOT_FOUND' });
      expect((await fetch(`${payments.managementUrl}${path}`)).status).toBe(200);
    },
  );

  it('serves no API route on the management listener', async () => {
    const response = await fetch(`${payments.managementUrl}/transfers/${randomUUID()}`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(response.status).toBe(404);
  });
});
