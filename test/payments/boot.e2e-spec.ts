import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';

describe('payments app', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;

  beforeAll(async () => {
    db = await createTestDatabase('payments-boot');
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off' });
  });
  afterAll(async () => {
    await payments?.close();
    await db?.drop();
  });

  it('answers liveness', async () => {
    const response = await fetch(`${payments.url}/health/live`);
    expect(response.status).toBe(200);
  });

  it('ran its migrations on start', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' order by 1`,
      );
      expect(rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['outbox', 'transfers']),
      );
    } finally {
      await client.end();
    }
  });
});
