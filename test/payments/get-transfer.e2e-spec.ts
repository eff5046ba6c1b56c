import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';
import {
  anyString,
  connect,
  getTransfer,
  OTHER_API_KEY,
  postTransfer,
  transferBody,
  TWO_CLIENTS_API_KEYS,
} from './transfers-api.js';

describe('GET /transfers/:id', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let pgClient: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('get-transfer');
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

  async function createTransfer(): Promise<string> {
    const response = await postTransfer(payments.url, transferBody());
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  it('answers 404 TRANSFER_NOT_FOUND for an unknown id', async () => {
    const response = await getTransfer(payments.url, randomUUID());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      statusCode: 404,
      code: 'TRANSFER_NOT_FOUND',
      message: anyString,
    });
  });

  it("answers 404 TRANSFER_NOT_FOUND for another client's transfer", async () => {
    const id = await createTransfer();
    expect((await getTransfer(payments.url, id)).status).toBe(200);
    const response = await getTransfer(payments.url, id, OTHER_API_KEY);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'TRANSFER_NOT_FOUND' });
  });

  it.each(['not-a-uuid', '123', `${randomUUID()}x`, randomUUID().replaceAll('-', ''), '%20'])(
    'answers 400 INVALID_TRANSFER_ID for %j',
    async (id) => {
      const response = await getTransfer(payments.url, id);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, code: 'INVALID_TRANSFER_ID' });
    },
  );

  it('finds a transfer by its id in upper case', async () => {
    const id = await createTransfer();
    const response = await getTransfer(payments.url, id.toUpperCase());
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id });
  });

  it('shows the reason of a rejected transfer, and no reason otherwise', async () => {
    const rejected = await createTransfer();
    const completed = await createTransfer();
    // What the result consumer does when the ledger answers.
    await pgClient.query(
      `update transfers set status = 'rejected', reason = 'INSUFFICIENT_FUNDS', updated_at = now()
       where id = $1`,
      [rejected],
    );
    await pgClient.query(`update transfers set status = 'completed' where id = $1`, [completed]);

    const a = (await (await getTransfer(payments.url, rejected)).json()) as Record<string, string>;
    expect(a).toMatchObject({ status: 'rejected', reason: 'INSUFFICIENT_FUNDS' });
    expect(Date.parse(a.updatedAt!)).toBeGreaterThanOrEqual(Date.parse(a.createdAt!));
    const b = (await (await getTransfer(payments.url, completed)).json()) as Record<string, string>;
    expect(b.status).toBe('completed');
    expect(b).not.toHaveProperty('reason');
  });

  it('answers 404 NOT_FOUND for an unknown route', async () => {
    const response = await fetch(`${payments.url}/no-such-route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: anyString,
    });
  });
});
