import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, TEST_API_KEY, type PaymentsTestApp } from './payments-app.js';
import {
  anyString,
  connect,
  countRows,
  getTransfer,
  OTHER_API_KEY,
  postTransfer,
  transferBody,
  TWO_CLIENTS_API_KEYS,
} from './transfers-api.js';

/**
 * Each API client has its own budget of requests per window: past it, every endpoint answers
 * `429 RATE_LIMITED` with `Retry-After`, before any work, while other clients are served as
 * before. A long window keeps the test independent of timing: nothing expires during it.
 */
describe('rate limit per client', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let pgClient: pg.Client;
  const limit = 5;

  beforeAll(async () => {
    db = await createTestDatabase('rate-limit');
    payments = await startPaymentsApp(db.url, {
      RELAY_MODE: 'off',
      API_KEYS: TWO_CLIENTS_API_KEYS,
      RATE_LIMIT_REQUESTS: String(limit),
      RATE_LIMIT_WINDOW_MS: '600000',
    });
    pgClient = await connect(db.url);
  });
  afterAll(async () => {
    await pgClient?.end();
    await payments?.close();
    await db?.drop();
  });

  it('serves a client up to its limit, then answers 429 RATE_LIMITED on every endpoint', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < limit + 3; i++) {
      statuses.push((await postTransfer(payments.url, transferBody())).status);
    }
    expect(statuses).toEqual([...Array<number>(limit).fill(202), 429, 429, 429]);

    const refused = await postTransfer(payments.url, transferBody());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: anyString,
    });
    const read = await getTransfer(payments.url, '00000000-0000-4000-8000-000000000000');
    expect(read.status).toBe(429);
  });

  it('serves another client as before', async () => {
    expect(
      (await postTransfer(payments.url, transferBody(), { apiKey: OTHER_API_KEY })).status,
    ).toBe(202);
  });

  it('authenticates first: a wrong key is still 401, not 429', async () => {
    const response = await postTransfer(payments.url, transferBody(), {
      apiKey: `${TEST_API_KEY}-wrong`,
    });
    expect(response.status).toBe(401);
  });

  it('wrote only the served transfers', async () => {
    expect(await countRows(pgClient)).toEqual({ transfers: limit + 1, outbox: limit + 1 });
  });
});
