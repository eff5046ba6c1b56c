import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PaymentsModule } from '../../apps/payments/src/payments.module.js';
import { configurePaymentsApp } from '../../apps/payments/src/configure-payments-app.js';

export const TEST_API_KEY = 'test-client-key-0123456789';
export const TEST_CLIENT = 'test-client';

export interface PaymentsTestApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/**
 * The payments HTTP API in this test process, on a free port, against the given database and
 * the run's Kafka. `env` overrides settings (e.g. RELAY_MODE=off to test the API alone).
 */
export async function startPaymentsApp(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<PaymentsTestApp> {
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    API_KEYS: `${TEST_CLIENT}:${TEST_API_KEY}`,
    PORT: '0',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [PaymentsModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  configurePaymentsApp(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), close: () => app.close() };
}
