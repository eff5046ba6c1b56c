import type { DataSourceOptions } from 'typeorm';
import { sessionTimeoutOptions } from '#config';
import { CreateTransfersAndOutbox1732300000000 } from './migrations/1732300000000-create-transfers-and-outbox.js';
import { IndexTransfersByStatus1796153812123 } from './migrations/1796153812123-index-transfers-by-status.js';
import { CreateAccounts1796400000000 } from './migrations/1796400000000-create-accounts.js';

/** Migrations in order. The schema is never synchronised from entities. */
export const paymentsMigrations = [
  CreateTransfersAndOutbox1732300000000,
  IndexTransfersByStatus1796153812123,
  CreateAccounts1796400000000,
];

/** `idleInTransactionTimeoutMs`: see `idleInTransactionTimeoutSchema` (default 10 s; 0: the server's). */
export function paymentsDataSourceOptions(
  url: string,
  poolSize = 10,
  idleInTransactionTimeoutMs?: number,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations: paymentsMigrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    poolSize,
    extra: sessionTimeoutOptions(idleInTransactionTimeoutMs),
    applicationName: 'payments',
  };
}
