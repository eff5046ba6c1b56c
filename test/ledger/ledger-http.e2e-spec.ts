import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { fundInLedger } from '../support/fund-in-ledger.js';
import { LEDGER_TEST_TOKEN, ledgerAuthorization } from '../support/service-credentials.js';
import { startLedgerApp, type LedgerTestApp } from './ledger-app.js';

const UNKNOWN = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const anyString: unknown = expect.any(String);

/** The ledger's internal HTTP API: only with the service token, and 4xx with a code on bad input. */
describe('ledger HTTP API', () => {
  let db: TestDatabase;
  let ledger: LedgerTestApp;
  let accountId: string;

  const call = (method: string, path: string, body?: unknown, headers = ledgerAuthorization) =>
    fetch(`${ledger.url}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    db = await createTestDatabase('ledger-http');
    ledger = await startLedgerApp(db.url);
    accountId = randomUUID();
    const opened = await call('POST', '/accounts', { id: accountId, currency: 'EUR' });
    expect(opened.status).toBe(201);
    await fundInLedger(db.url, accountId, 'EUR', 100n);
  });
  afterAll(async () => {
    await ledger?.close();
    await db?.drop();
  });

  describe('without the service token', () => {
    it.each([
      ['no credential', {}],
      ['a wrong token', { authorization: `Bearer ${LEDGER_TEST_TOKEN}x` }],
      ['the token in another scheme', { authorization: `Basic ${LEDGER_TEST_TOKEN}` }],
    ])('answers 401 to %s, and opens nothing', async (_, headers) => {
      const id = randomUUID();
      for (const [method, path, body] of [
        ['POST', '/accounts', { id, currency: 'EUR' }],
        ['GET', `/accounts/${accountId}`],
        ['GET', `/accounts/${accountId}/entries`],
        ['PUT', '/funding-accounts/EUR'],
      ] as const) {
        const response = await call(method, path, body, headers as typeof ledgerAuthorization);
        expect([path, response.status]).toEqual([path, 401]);
        expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
      expect((await call('GET', `/accounts/${id}`)).status).toBe(404);
    });

    it('has no route that moves money', async () => {
      const response = await call('POST', `/accounts/${accountId}/fund`, { amount: '5' });
      expect(response.status).toBe(404);
      expect(await (await call('GET', `/accounts/${accountId}`)).json()).toMatchObject({
        balance: '100',
      });
    });
  });

  it('opens an account once per id: a retry answers the same account', async () => {
    const id = randomUUID();
    const first = await call('POST', '/accounts', { id, currency: 'USD' });
    const again = await call('POST', '/accounts', { id: id.toUpperCase(), currency: 'USD' });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(await again.json()).toEqual(await first.json());
    const other = await call('POST', '/accounts', { id, currency: 'EUR' });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ code: 'ACCOUNT_EXISTS' });
  });

  it('finds one funding account per currency', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(
        async () =>
          ((await (await call('PUT', '/funding-accounts/JPY')).json()) as { id: string }).id,
      ),
    );
    expect(new Set(ids).size).toBe(1);
    const invalid = await call('PUT', '/funding-accounts/XXX');
    expect(invalid.status).toBe(400);
  });

  it.each([
    // Every row has a body (or undefined): a row shorter than the test's parameters would make
    // jest pass a `done` callback for the missing one, and wait for it.
    ['an unknown route', 'GET', '/no-such-route', 404, 'NOT_FOUND', undefined],
    ['an unknown method', 'DELETE', '/accounts', 404, 'NOT_FOUND', undefined],
    ['an undecodable path', 'GET', '/accounts/%zz', 400, 'BAD_REQUEST', undefined],
    ['malformed JSON', 'POST', '/accounts', 400, 'MALFORMED_JSON', '{"currency": '],
    [
      'a body over 100 KiB',
      'POST',
      '/accounts',
      413,
      'PAYLOAD_TOO_LARGE',
      `"${'x'.repeat(102_400)}"`,
    ],
    ['an unknown account', 'GET', `/accounts/${UNKNOWN}`, 404, 'ACCOUNT_NOT_FOUND', undefined],
  ])('answers %s (%s %s) with %i %s', async (_, method, path, status, code, body) => {
    const response = await fetch(`${ledger.url}${path}`, {
      method,
      headers: {
        ...ledgerAuthorization,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body }),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ statusCode: status, code, message: anyString });
  });

  it.each(['99999999999999999999', '9223372036854775808', '1'.repeat(40)])(
    'answers 400 VALIDATION_FAILED for entries after=%s, past the bigint entry ids',
    async (after) => {
      const response = await call('GET', `/accounts/${accountId}/entries?after=${after}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'after', message: anyString }],
      });
    },
  );

  it('lists no entries after the largest entry id', async () => {
    const response = await call('GET', `/accounts/${accountId}/entries?after=9223372036854775807`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ entries: [] });
  });

  it('reads an account named by its id in upper case', async () => {
    const response = await call('GET', `/accounts/${accountId.toUpperCase()}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: accountId, balance: '100' });
  });

  describe('its OpenAPI document (management port only)', () => {
    interface Operation {
      security?: Array<Record<string, string[]>>;
      responses: Record<string, unknown>;
    }
    let document: {
      info: { description: string };
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, { scheme?: string }> };
    };
    beforeAll(async () => {
      const response = await fetch(`${ledger.managementUrl}/docs-json`);
      expect(response.status).toBe(200);
      document = (await response.json()) as typeof document;
    });

    it('lists each internal route, every one behind the service token', () => {
      const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ route: `${method} ${path}`, op })),
      );
      // /health and /metrics are the operators', not part of the API (as in payments' document).
      const internal = operations;
      expect(internal.map(({ route }) => route).sort()).toEqual([
        'get /accounts/{id}',
        'get /accounts/{id}/entries',
        'post /accounts',
        'put /funding-accounts/{currency}',
      ]);
      for (const { route, op } of internal) {
        expect([route, op.security]).toEqual([route, [{ serviceToken: [] }]]);
        expect([route, Object.keys(op.responses)]).toEqual([
          route,
          expect.arrayContaining(['401']),
        ]);
      }
      expect(document.components.securitySchemes.serviceToken?.scheme).toBe('bearer');
      expect(document.info.description).toMatch(/No route moves money/);
    });

    it('is not on the public port', async () => {
      expect((await fetch(`${ledger.url}/docs-json`)).status).toBe(404);
    });
  });
});
