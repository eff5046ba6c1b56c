import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';
import { connect, postTransfer, transferBody } from './transfers-api.js';

const OLDEST = 'payments_oldest_pending_transfer_age_seconds';
const OVER = 'payments_transfers_pending_over_threshold';

describe('GET /metrics: transfers that stay pending', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let pgClient: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('pending-metrics');
    // No relay and no settlement: every accepted transfer stays pending.
    payments = await startPaymentsApp(db.url, {
      RELAY_MODE: 'off',
      SETTLEMENT_ENABLED: 'false',
      PENDING_ALERT_AFTER_SECONDS: '60',
    });
    pgClient = await connect(db.url);
  });
  afterAll(async () => {
    await pgClient?.end();
    await payments?.close();
    await db?.drop();
  });

  const scrape = async (): Promise<string> =>
    (await fetch(`${payments.managementUrl}/metrics`)).text();
  const value = (text: string, name: string): number =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

  async function accepted(ageSeconds: number, status = 'pending'): Promise<string> {
    const response = await postTransfer(payments.url, transferBody());
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    // Backdated instead of waited for; a final status as the settlement consumer would set it.
    await pgClient.query(
      `update transfers set created_at = now() - make_interval(secs => $2), status = $3
       where id = $1`,
      [id, ageSeconds, status],
    );
    return id;
  }

  it('reports 0 and 0 while nothing is pending', async () => {
    const text = await scrape();
    expect(text).toContain(`# TYPE ${OLDEST} gauge`);
    expect(text).toContain(`# HELP ${OVER} Transfers pending for longer than`);
    expect(value(text, OLDEST)).toBe(0);
    expect(value(text, OVER)).toBe(0);
  });

  it('reports the age of the oldest pending transfer and how many are past the threshold', async () => {
    await accepted(10);
    await accepted(90);
    await accepted(300);
    // Final ones do not count, however old.
    await accepted(5_000, 'completed');
    await accepted(4_000, 'rejected');

    const text = await scrape();
    expect(value(text, OLDEST)).toBeGreaterThanOrEqual(300);
    expect(value(text, OLDEST)).toBeLessThan(360);
    expect(value(text, OVER)).toBe(2);
  });

  it('follows settlement: a transfer that reaches a final state leaves both gauges', async () => {
    await pgClient.query(
      `update transfers set status = 'completed' where status = 'pending' and created_at < now() - interval '200 seconds'`,
    );
    const text = await scrape();
    expect(value(text, OVER)).toBe(1);
    expect(value(text, OLDEST)).toBeGreaterThanOrEqual(90);
    expect(value(text, OLDEST)).toBeLessThan(150);
  });
});
