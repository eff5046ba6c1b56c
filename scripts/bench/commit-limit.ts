import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { encodeOutboxMessage } from '../../apps/payments/src/outbox/encode-outbox-message.js';
import { paymentsDataSourceOptions } from '../../apps/payments/src/persistence/payments-data-source.js';
import { acceptTransfer } from '../../apps/payments/src/transfers/create-transfer/accept-transfer.js';
import { transferRequestedMessage } from '../../apps/payments/src/transfers/create-transfer/transfer-requested.message.js';
import { recordAccountOwners } from '../../test/support/account-owners.js';
import type { BenchOptions } from './bench-options.js';
import { runConcurrently } from './run-concurrently.js';
import {
  SAMPLE_CREDIT_ACCOUNTS,
  SAMPLE_DEBIT_ACCOUNTS,
  sampleTransfer,
} from './sample-transfer.js';

/**
 * The API's write (the account check, the transfer row and its outbox row in one statement,
 * through the function the service calls) from a tight loop: no HTTP, no Kafka. The rate the
 * API cannot beat.
 */
export async function measureCommitLimit(url: string, options: BenchOptions): Promise<number> {
  const dataSource = new DataSource(paymentsDataSourceOptions(url, options.concurrency));
  await dataSource.initialize();
  // The accounts' owners, as the API bench records them.
  await recordAccountOwners(
    url,
    [...SAMPLE_DEBIT_ACCOUNTS, ...SAMPLE_CREDIT_ACCOUNTS],
    'bench',
    'EUR',
  );
  const write = async (index: number): Promise<void> => {
    const transfer = sampleTransfer(index);
    const row = {
      clientId: 'bench',
      idempotencyKey: `commit-limit-${index}`,
      requestHash: createHash('sha256').update(transfer.id).digest('hex'),
      transfer,
    };
    const message = transferRequestedMessage(
      transfer,
      'bench',
      `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`,
    );
    const outcome = await acceptTransfer(
      dataSource,
      row,
      encodeOutboxMessage(message),
      'owner-and-credit',
    );
    if (!outcome.accepted) throw new Error(`transfer ${index} not accepted`);
  };
  try {
    const { warmUpWrites, writes, concurrency } = options;
    await runConcurrently(warmUpWrites, concurrency, (i) => write(writes + i));
    const seconds = await runConcurrently(writes, concurrency, (i) => write(i));
    return writes / seconds;
  } finally {
    await dataSource.destroy();
  }
}
