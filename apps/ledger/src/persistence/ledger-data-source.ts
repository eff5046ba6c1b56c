import type { DataSourceOptions } from 'typeorm';
import { CreateLedger1732300000001 } from './migrations/1732300000001-create-ledger.js';

export const ledgerMigrations = [CreateLedger1732300000001];

export function ledgerDataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations: ledgerMigrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    poolSize,
    applicationName: 'ledger',
  };
}
