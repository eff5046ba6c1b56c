import { Test } from '@nestjs/testing';
import { listenWithManagement } from '#health';
import type { INestApplication } from '@nestjs/common';
import { configureLedgerApp } from '../../apps/ledger/src/configure-ledger-app.js';
import { LedgerModule } from '../../apps/ledger/src/ledger.module.js';
import { LEDGER_TEST_TOKEN } from '../support/service-credentials.js';

export interface LedgerTestApp {
  app: INestApplication;
  url: string;
  /** The management listener: /metrics. */
  managementUrl: string;
  close(): Promise<void>;
}

/**
 * The ledger's HTTP API in this test process, on a free port, against the given database and
 * the run's Kafka (for readiness). Posting is off unless `env` turns it on: no consumer runs.
 */
export async function startLedgerApp(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<LedgerTestApp> {
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    LEDGER_API_TOKEN: LEDGER_TEST_TOKEN,
    PORT: '0',
    POSTING_ENABLED: 'false',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [LedgerModule] }).compile();
  const app = configureLedgerApp(moduleRef.createNestApplication());
  await app.startAllMicroservices();
  const { url, managementUrl } = await listenWithManagement(app, {
    port: 0,
    managementPort: 0,
    host: '127.0.0.1',
  });
  return { app, url, managementUrl, close: () => app.close() };
}
