import { createTestDatabase, freePort, type TestDatabase } from '#test-infra';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';

interface Readiness {
  status: string;
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string }>;
}

describe('payments health', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('payments-health');
  });
  afterEach(async () => {
    await payments?.close();
    payments = undefined;
  });
  afterAll(async () => {
    await db?.drop();
  });

  const ready = async (app: PaymentsTestApp): Promise<[number, Readiness]> => {
    const response = await fetch(`${app.url}/health/ready`);
    return [response.status, (await response.json()) as Readiness];
  };

  it('is ready when its database and Kafka answer', async () => {
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off', SETTLEMENT_ENABLED: 'false' });
    const [status, body] = await ready(payments);
    expect(status).toBe(200);
    expect(body.info).toMatchObject({
      database: { status: 'up' },
      kafka: { status: 'up' },
      relay: { status: 'up' },
    });
    expect((await fetch(`${payments.url}/health/live`)).status).toBe(200);
  });

  it('is alive but not ready when Kafka does not answer', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    payments = await startPaymentsApp(db.url, {
      RELAY_MODE: 'off',
      SETTLEMENT_ENABLED: 'false',
      KAFKA_BROKERS: nobody,
    });
    const [status, body] = await ready(payments);
    expect(status).toBe(503);
    expect(body.error).toMatchObject({ kafka: { status: 'down' } });
    expect(body.info).toMatchObject({ database: { status: 'up' } });
    expect((await fetch(`${payments.url}/health/live`)).status).toBe(200);
  });
});
