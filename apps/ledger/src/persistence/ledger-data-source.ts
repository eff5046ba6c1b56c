import type { DataSourceOptions } from 'typeorm';
import { CreateLedger1732300000001 } from './migrations/1732300000001-create-ledger.js';

export const ledgerMigrations = [CreateLedger1732300000001];

/** `idleInTransactionTimeoutMs`: see `idleInTransactionTimeoutSchema` (0: the server's setting). */
export function ledgerDataSourceOptions(
  url: string,
  poolSize = 10,
  idleInTransactionTimeoutMs = 10_000,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations: ledgerMigrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    poolSize,
    // A startup parameter of each connection (node-postgres); 0 leaves the server's value.
    extra:
      idleInTransactionTimeoutMs > 0
        ? { idle_in_transaction_session_timeout: idleInTransactionTimeoutMs }
        : {},
    applicationName: 'ledger',
  };
}
