import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startLedgerApp, type LedgerTestApp } from './ledger-app.js';

const UNKNOWN = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const anyString: unknown = expect.any(String);

/** The ledger's HTTP API on bad input: 4xx answers with a code, never a 500. */
describe('ledger HTTP API on bad input', () => {
  let db: TestDatabase;
  let ledger: LedgerTestApp;
  let accountId: string;

  const json = (method: string, body: unknown) => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  beforeAll(async () => {
    db = await createTestDatabase('ledger-http');
    ledger = await startLedgerApp(db.url);
    const opened = await fetch(`${ledger.url}/accounts`, json('POST', { currency: 'EUR' }));
    accountId = ((await opened.json()) as { id: string }).id;
    const funded = await fetch(`${ledger.url}/accounts/${accountId}/fund`, {
      ...json('POST', { amount: '100' }),
    });
    expect(funded.status).toBe(200);
  });
  afterAll(async () => {
    await ledger?.close();
    await db?.drop();
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
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body }),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ statusCode: status, code, message: anyString });
  });

  it.each(['99999999999999999999', '9223372036854775808', '1'.repeat(40)])(
    'answers 400 VALIDATION_FAILED for entries after=%s, past the bigint entry ids',
    async (after) => {
      const response = await fetch(`${ledger.url}/accounts/${accountId}/entries?after=${after}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'after', message: anyString }],
      });
    },
  );

  it('lists no entries after the largest entry id', async () => {
    const response = await fetch(
      `${ledger.url}/accounts/${accountId}/entries?after=9223372036854775807`,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ entries: [] });
  });

  it('funds an account named by its id in upper case', async () => {
    const response = await fetch(
      `${ledger.url}/accounts/${accountId.toUpperCase()}/fund`,
      json('POST', { amount: '5' }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: accountId, balance: '105' });
  });
});
