import { randomBytes } from 'node:crypto';
import { freePort, waitFor } from '#test-infra';
import { recordAccountOwners } from '../../test/support/account-owners.js';
import { ChildService } from '../../test/support/child-process.js';
import type { BenchOptions } from './bench-options.js';
import { runConcurrently } from './run-concurrently.js';
import { TransferClient } from './transfer-client.js';
import {
  sampleTransfer,
  SAMPLE_CREDIT_ACCOUNTS,
  SAMPLE_DEBIT_ACCOUNTS,
} from './sample-transfer.js';

/**
 * The payments API alone (no relay, no settlement) under `concurrency` concurrent
 * POST /transfers, each with its own Idempotency-Key; returns accepted transfers per second.
 * Each worker reuses one kept-alive connection (`TransferClient`).
 */
export async function measureApiAccept(
  databaseUrl: string,
  kafkaBrokers: string,
  options: BenchOptions,
): Promise<number> {
  const apiKey = `bench-${randomBytes(12).toString('hex')}`;
  const port = await freePort();
  const api = ChildService.start('payments', 'apps/payments/src/main.js', {
    PORT: String(port),
    MANAGEMENT_PORT: String(await freePort()),
    DATABASE_URL: databaseUrl,
    // As many connections as the database loop uses, so the two rates compare like with like.
    DATABASE_POOL_SIZE: String(options.concurrency),
    KAFKA_BROKERS: kafkaBrokers,
    API_KEYS: `bench:${apiKey}`,
    // No ledger runs: the bench's accounts are recorded in payments' database below.
    LEDGER_API_TOKEN: randomBytes(24).toString('base64url'),
    RELAY_MODE: 'off',
    SETTLEMENT_ENABLED: 'false',
    // The bench measures how fast the API accepts, not the per-client limit.
    RATE_LIMIT_REQUESTS: '0',
  });
  const base = `http://127.0.0.1:${port}`;
  const client = new TransferClient(apiKey, options.concurrency);
  try {
    await waitFor(async () => (await fetch(`${base}/health/live`)).ok, {
      description: 'the payments API',
      timeoutMs: 60_000,
    });
    // No ledger runs: the accounts' owners are recorded as POST /accounts would.
    await recordAccountOwners(
      databaseUrl,
      [...SAMPLE_DEBIT_ACCOUNTS, ...SAMPLE_CREDIT_ACCOUNTS],
      'bench',
      'EUR',
    );
    const post = async (index: number): Promise<void> => {
      const { debitAccountId, creditAccountId, amount, currency } = sampleTransfer(index);
      await client.post(
        base,
        { debitAccountId, creditAccountId, amount, currency },
        `bench-${index}`,
      );
    };
    const { warmUpWrites, writes, concurrency } = options;
    await runConcurrently(warmUpWrites, concurrency, (i) => post(writes + i));
    const seconds = await runConcurrently(writes, concurrency, (i) => post(i));
    return writes / seconds;
  } finally {
    client.close();
    await api.stop();
  }
}
