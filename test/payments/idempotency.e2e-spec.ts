import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';
import {
  connect,
  countRows,
  OTHER_API_KEY,
  postTransfer,
  transferBody,
  TWO_CLIENTS_API_KEYS,
} from './transfers-api.js';

describe('POST /transfers idempotency', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let pgClient: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('idempotency');
    payments = await startPaymentsApp(db.url, {
      RELAY_MODE: 'off',
      API_KEYS: TWO_CLIENTS_API_KEYS,
    });
    pgClient = await connect(db.url);
  });
  afterAll(async () => {
    await pgClient?.end();
    await payments?.close();
    await db?.drop();
  });

  /** Rows written under one idempotency key (one client's, or every client's). */
  async function rowsOfKey(idempotencyKey: string): Promise<{ transfers: number; outbox: number }> {
    const { rows } = await pgClient.query<{ transfers: number; outbox: number }>(
      `select count(*)::int as transfers, count(o.id)::int as outbox
       from transfers t left join outbox o on o.event_id = t.id
       where t.idempotency_key = $1`,
      [idempotencyKey],
    );
    return rows[0]!;
  }

  it('creates one transfer for 50 concurrent identical requests', async () => {
    const body = transferBody();
    const idempotencyKey = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => postTransfer(payments.url, body, { idempotencyKey })),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { id: string }[];

    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(bodies.every((b) => JSON.stringify(b) === JSON.stringify(bodies[0]))).toBe(true);
    const fresh = responses.filter((r) => r.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    expect(await rowsOfKey(idempotencyKey)).toEqual({ transfers: 1, outbox: 1 });
  });

  it('answers a retry with the original response, marked as replayed', async () => {
    const body = transferBody();
    const idempotencyKey = randomUUID();
    const first = await postTransfer(payments.url, body, { idempotencyKey });
    const original = await first.text();

    // Same meaning, other spelling: key order and UUID case do not make it another request.
    const { currency, amount, creditAccountId, debitAccountId } = body as Record<string, string>;
    const respelled = {
      currency,
      amount,
      creditAccountId: creditAccountId!.toUpperCase(),
      debitAccountId,
    };
    for (const retryBody of [body, respelled]) {
      const retry = await postTransfer(payments.url, retryBody, { idempotencyKey });
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.text()).toBe(original);
    }
    expect(await rowsOfKey(idempotencyKey)).toEqual({ transfers: 1, outbox: 1 });
  });

  it('refuses the same key with a different body', async () => {
    const body = transferBody();
    const idempotencyKey = randomUUID();
    expect((await postTransfer(payments.url, body, { idempotencyKey })).status).toBe(202);

    for (const changed of [
      { amount: '1051' },
      { currency: 'USD' },
      { creditAccountId: randomUUID() },
    ]) {
      const response = await postTransfer(
        payments.url,
        { ...body, ...changed },
        { idempotencyKey },
      );
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        statusCode: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
    expect(await rowsOfKey(idempotencyKey)).toEqual({ transfers: 1, outbox: 1 });
  });

  it("scopes keys per client: another client's same key makes its own transfer", async () => {
    const body = transferBody();
    const idempotencyKey = randomUUID();
    const mine = await postTransfer(payments.url, body, { idempotencyKey });
    // From an account of its own: the first one is not the other client's to debit.
    const theirs = await postTransfer(
      payments.url,
      { ...body, debitAccountId: randomUUID() },
      {
        idempotencyKey,
        apiKey: OTHER_API_KEY,
      },
    );

    expect([mine.status, theirs.status]).toEqual([202, 202]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    const [a, b] = (await Promise.all([mine.json(), theirs.json()])) as { id: string }[];
    expect(a!.id).not.toBe(b!.id);
    expect(await rowsOfKey(idempotencyKey)).toEqual({ transfers: 2, outbox: 2 });
  });

  it('wrote one transfer and one outbox row per accepted request in all', async () => {
    // 1 (concurrent) + 1 (retries) + 1 (different body) + 2 (two clients)
    expect(await countRows(pgClient)).toEqual({ transfers: 5, outbox: 5 });
  });
});
