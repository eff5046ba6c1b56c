import type { DataSourceOptions } from 'typeorm';
import { sessionTimeoutOptions } from '#config';
import { CreateLedger1732300000001 } from './migrations/1732300000001-create-ledger.js';

export const ledgerMigrations = [CreateLedger1732300000001];

/** `idleInTransactionTimeoutMs`: see `idleInTransactionTimeoutSchema` (default 10 s; 0: the server's). */
export function ledgerDataSourceOptions(
  url: string,
  poolSize = 10,
  idleInTransactionTimeoutMs?: number,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations: ledgerMigrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    poolSize,
    extra: sessionTimeoutOptions(idleInTransactionTimeoutMs),
    applicationName: 'ledger',
  };
}
