import type { DataSourceOptions } from 'typeorm';
import { CreateTransfersAndOutbox1732300000000 } from './migrations/1732300000000-create-transfers-and-outbox.js';
import { IndexTransfersByStatus1796153812123 } from './migrations/1796153812123-index-transfers-by-status.js';

/** Migrations in order. The schema is never synchronised from entities. */
export const paymentsMigrations = [
  CreateTransfersAndOutbox1732300000000,
  IndexTransfersByStatus1796153812123,
];

/** `idleInTransactionTimeoutMs`: see `idleInTransactionTimeoutSchema` (0: the server's setting). */
export function paymentsDataSourceOptions(
  url: string,
  poolSize = 10,
  idleInTransactionTimeoutMs = 10_000,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations: paymentsMigrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    poolSize,
    // A startup parameter of each connection (node-postgres); 0 leaves the server's value.
    extra:
      idleInTransactionTimeoutMs > 0
        ? { idle_in_transaction_session_timeout: idleInTransactionTimeoutMs }
        : {},
    applicationName: 'payments',
  };
}
