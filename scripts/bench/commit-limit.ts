import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { appendToOutbox } from '../../apps/payments/src/outbox/append-to-outbox.js';
import { paymentsDataSourceOptions } from '../../apps/payments/src/persistence/payments-data-source.js';
import { insertTransfer } from '../../apps/payments/src/transfers/create-transfer/insert-transfer.js';
import { transferRequestedMessage } from '../../apps/payments/src/transfers/create-transfer/transfer-requested.message.js';
import type { BenchOptions } from './bench-options.js';
import { runConcurrently } from './run-concurrently.js';
import { sampleTransfer } from './sample-transfer.js';

/**
 * The API's write (transfer row + outbox row in one transaction, through the same functions
 * the service calls) from a tight loop: no HTTP, no Kafka. The rate the API cannot beat.
 */
export async function measureCommitLimit(url: string, options: BenchOptions): Promise<number> {
  const dataSource = new DataSource(paymentsDataSourceOptions(url, options.concurrency));
  await dataSource.initialize();
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
    await dataSource.transaction(async (tx) => {
      if (!(await insertTransfer(tx, row))) throw new Error(`key ${row.idempotencyKey} taken`);
      await appendToOutbox(tx, message);
    });
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
