import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { recordAccountOwners } from '../support/account-owners.js';
import { databaseOf, TEST_API_KEY, TEST_CLIENT } from './payments-app.js';

/** A second client, for tests of what one client can see of another's. */
export const OTHER_CLIENT = 'other-client';
export const OTHER_API_KEY = 'other-client-key-0123456789';
export const TWO_CLIENTS_API_KEYS = `${TEST_CLIENT}:${TEST_API_KEY},${OTHER_CLIENT}:${OTHER_API_KEY}`;

/** A valid `POST /transfers` body between two fresh accounts. */
export function transferBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    debitAccountId: randomUUID(),
    creditAccountId: randomUUID(),
    amount: '1050',
    currency: 'EUR',
    ...overrides,
  };
}

export interface PostOptions {
  apiKey?: string;
  idempotencyKey?: string;
  /**
   * Record the body's accounts as opened (the debited one by the key's client) before posting,
   * as if the client had opened them: true by default, for tests of everything but ownership.
   */
  registerAccounts?: boolean;
  /** Added to, or with `undefined` removed from, the default headers. */
  headers?: Record<string, string | undefined>;
}

/** `POST /transfers` as JSON, authenticated as the test client, with a fresh Idempotency-Key. */
export async function postTransfer(
  baseUrl: string,
  body: unknown,
  {
    apiKey = TEST_API_KEY,
    idempotencyKey = randomUUID(),
    headers = {},
    registerAccounts: register = true,
  }: PostOptions = {},
): Promise<Response> {
  if (register) await registerAccounts(baseUrl, body, CLIENT_OF_KEY[apiKey]);
  return send(baseUrl, '/transfers', JSON.stringify(body), {
    authorization: `Bearer ${apiKey}`,
    'idempotency-key': idempotencyKey,
    'content-type': 'application/json',
    ...headers,
  });
}

const CLIENT_OF_KEY: Record<string, string> = {
  [TEST_API_KEY]: TEST_CLIENT,
  [OTHER_API_KEY]: OTHER_CLIENT,
};
const pools = new Map<string, pg.Pool>();

/**
 * Writes the ownership rows `POST /accounts` would write for the body's accounts (the debited
 * one owned by `clientId`, the credited one by the test client), unless they exist. The payments
 * tests run without a ledger; opening through the API is tested with one
 * (security/authorization-matrix, pipeline/funding).
 */
export async function registerAccounts(
  baseUrl: string,
  body: unknown,
  clientId: string | undefined,
): Promise<void> {
  const databaseUrl = databaseOf(baseUrl);
  const { debitAccountId, creditAccountId, currency } = (body ?? {}) as Record<string, unknown>;
  if (!databaseUrl || clientId === undefined || typeof currency !== 'string') return;
  let pool = pools.get(databaseUrl);
  if (!pool) {
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2, allowExitOnIdle: true });
    // Idle connections end when the test drops its database; that is no error of the test.
    pool.on('error', () => undefined);
    pools.set(databaseUrl, pool);
  }
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  // Any currency column value will do for the ownership check: fit the body's into char(3).
  const code = currency.toUpperCase().padEnd(3, 'X').slice(0, 3);
  for (const [id, owner] of [
    [debitAccountId, clientId],
    [creditAccountId, TEST_CLIENT],
  ] as const) {
    if (typeof id === 'string' && uuid.test(id)) await recordAccountOwners(pool, [id], owner, code);
  }
}

/** A POST with a raw body and exactly the headers given (`undefined` ones left out). */
export function send(
  baseUrl: string,
  path: string,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string | undefined>,
): Promise<Response> {
  const present = Object.entries(headers).filter((h): h is [string, string] => h[1] !== undefined);
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers: present, body });
}

export function getTransfer(baseUrl: string, id: string, apiKey = TEST_API_KEY): Promise<Response> {
  return fetch(`${baseUrl}/transfers/${id}`, { headers: { 'x-api-key': apiKey } });
}

/** Rows in the `transfers` and `outbox` tables. */
export async function countRows(db: pg.Client): Promise<{ transfers: number; outbox: number }> {
  const { rows } = await db.query<{ transfers: number; outbox: number }>(
    `select (select count(*) from transfers)::int as transfers,
            (select count(*) from outbox)::int as outbox`,
  );
  return rows[0]!;
}

/** A connected client for assertions on the test database; `end()` it in afterAll. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** `expect.any(String)` and `expect.stringMatching`, typed so they can sit in object literals. */
export const anyString: unknown = expect.any(String);
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
