import { createTestDatabase, freePort, type TestDatabase } from '#test-infra';
import { DataSource } from 'typeorm';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';

interface Readiness {
  status: string;
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string }>;
  capabilities?: Record<string, boolean>;
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
    expect(body.info).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' } });
    expect(body.capabilities).toEqual({ accepting: true });
    expect((await fetch(`${payments.url}/health/live`)).status).toBe(200);
  });

  it('stays ready, to accept transfers, when Kafka does not answer, and says so', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    payments = await startPaymentsApp(db.url, {
      RELAY_MODE: 'off',
      SETTLEMENT_ENABLED: 'false',
      KAFKA_BROKERS: nobody,
    });
    const [status, body] = await ready(payments);
    expect(status).toBe(200);
    expect(body.error).toMatchObject({ kafka: { status: 'down' } });
    expect(body.info).toMatchObject({ database: { status: 'up' } });
    expect(body.capabilities).toEqual({ accepting: true });
    expect((await fetch(`${payments.url}/health/live`)).status).toBe(200);
  });

  it('is not ready when its database does not answer', async () => {
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off', SETTLEMENT_ENABLED: 'false' });
    // The app is up; then its connections to the database are gone.
    const dataSource = payments.app.get(DataSource);
    await dataSource.destroy();
    try {
      const [status, body] = await ready(payments);
      expect(status).toBe(503);
      expect(body.error).toMatchObject({ database: { status: 'down' } });
      expect(body.capabilities).toEqual({ accepting: false });
    } finally {
      await dataSource.initialize(); // for the app's own shutdown
    }
  });
});
