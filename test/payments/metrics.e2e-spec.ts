import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';
import { postTransfer, transferBody } from './transfers-api.js';

describe('GET /metrics', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;

  beforeAll(async () => {
    db = await createTestDatabase('payments-metrics');
    // No relay and no settlement: accepted transfers stay in the outbox.
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off', SETTLEMENT_ENABLED: 'false' });
  });
  afterAll(async () => {
    await payments?.close();
    await db?.drop();
  });

  const scrape = async (): Promise<string> =>
    (await fetch(`${payments.managementUrl}/metrics`)).text();
  const value = (text: string, name: string): number =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

  it('reports the outbox backlog in Prometheus text format', async () => {
    expect(value(await scrape(), 'outbox_unpublished_rows')).toBe(0);
    for (const key of ['m-1', 'm-2']) {
      expect(
        (await postTransfer(payments.url, transferBody(), { idempotencyKey: key })).status,
      ).toBe(202);
    }
    const text = await scrape();
    expect(value(text, 'outbox_unpublished_rows')).toBe(2);
    expect(value(text, 'outbox_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE relay_kafka_transactions_total counter');
  });
});
