import { Test } from '@nestjs/testing';
import { listenWithManagement } from '#health';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PaymentsModule } from '../../apps/payments/src/payments.module.js';
import { configurePaymentsApp } from '../../apps/payments/src/configure-payments-app.js';
import { LEDGER_TEST_TOKEN, TEST_ADMIN, TEST_ADMIN_KEY } from '../support/service-credentials.js';

export const TEST_API_KEY = 'test-client-key-0123456789';
export const TEST_CLIENT = 'test-client';

/** The database of each running test app, by its URL: see `registerAccounts`. */
const databases = new Map<string, string>();

export function databaseOf(appUrl: string): string | undefined {
  return databases.get(appUrl);
}

export interface PaymentsTestApp {
  app: INestApplication;
  url: string;
  /** The management listener: /metrics and /docs. */
  managementUrl: string;
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
    ADMIN_API_KEYS: `${TEST_ADMIN}:${TEST_ADMIN_KEY}`,
    // No ledger runs unless the test starts one and points LEDGER_URL at it: the accounts
    // endpoints then answer 503 LEDGER_UNAVAILABLE, and transfers need registered accounts.
    LEDGER_URL: 'http://127.0.0.1:9',
    LEDGER_API_TOKEN: LEDGER_TEST_TOKEN,
    PORT: '0',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [PaymentsModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
  configurePaymentsApp(app);
  await app.startAllMicroservices();
  const { url, managementUrl } = await listenWithManagement(app, {
    port: 0,
    managementPort: 0,
    host: '127.0.0.1',
  });
  databases.set(url, databaseUrl);
  return {
    app,
    url,
    managementUrl,
    close: async () => {
      databases.delete(url);
      await app.close();
    },
  };
}
