import pg from 'pg';
import { waitFor } from '#test-infra';
import { PipelineFixture } from '../../test/pipeline/pipeline-fixture.js';
import type { Progress } from './progress.js';
import { runConcurrently } from './run-concurrently.js';

export interface LedgerScalingResult {
  instances: number;
  transfers: number;
  /** Transfers posted per second, from the first inbox row to the last (the ledger's clock). */
  postingsPerSec: number;
}

const ACCOUNTS = 20;

/**
 * Postings per second applied by `instances` ledgers (exactly-once) sharing the 3 partitions.
 * The ledgers start first and their group settles; `transfers` are then accepted by the API
 * while the relay is off, so the outbox holds them all; the relay then publishes them far faster
 * than the ledger posts, so the ledgers are what is timed.
 */
export async function measureLedgerScaling(
  instances: number,
  transfers: number,
  progress: Progress,
): Promise<LedgerScalingResult> {
  const fx = await PipelineFixture.create(`bench-ledger${instances}`);
  const ledgerSql = new pg.Pool({ connectionString: fx.ledgerDb.url, max: 1 });
  try {
    for (let i = 0; i < instances; i++) await fx.startLedger();
    await groupStable(fx, instances);
    // Accounts are opened and funded through a full payments (relay, settlement), which then
    // makes way for the bench's: transfers pile up in its outbox until the relay starts.
    const accounts = await fx.openAccountsAside(Array(ACCOUNTS).fill(10n ** 15n));
    await fx.startPayments({
      RELAY_MODE: 'off',
      SETTLEMENT_ENABLED: 'false',
      RATE_LIMIT_REQUESTS: '0', // one bench client, far above the default limit
    });
    await runConcurrently(transfers, 16, async (i) => {
      const debit = accounts[i % ACCOUNTS] ?? '';
      const credit = accounts[(i + 1) % ACCOUNTS] ?? '';
      await fx.postTransfer(debit, credit, 1n);
    });

    // The funding of the accounts went through the inbox too; only what comes after counts.
    const funded = await count(ledgerSql);
    const bar = progress.phase(`ledger ×${instances}`, transfers);
    await fx.startRelay();
    let posted = 0;
    await waitFor(
      async () => {
        const n = (await count(ledgerSql)) - funded;
        bar.tick(n - posted);
        posted = n;
        return n >= transfers;
      },
      { description: `${transfers} transfers posted`, timeoutMs: 600_000, intervalMs: 200 },
    );
    bar.done();
    // received_at is the start of the database transaction, shared by a whole batch: from the
    // first batch's start to the last one's, every batch but the last was posted.
    const { rows } = await ledgerSql.query<{ seconds: number; last: number }>(
      `with timed as (select received_at from inbox order by received_at desc limit $1)
       select extract(epoch from max(received_at) - min(received_at))::float8 as seconds,
              count(*) filter (where received_at = (select max(received_at) from timed))::int as last
         from timed`,
      [transfers],
    );
    const { seconds, last } = rows[0] ?? { seconds: NaN, last: 0 };
    return { instances, transfers, postingsPerSec: (transfers - last) / seconds };
  } catch (error) {
    throw new Error(`ledger ×${instances} failed:\n${fx.logTails(10)}`, { cause: error });
  } finally {
    await ledgerSql.end();
    await fx.close();
  }
}

async function count(sql: pg.Pool): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(`select count(*)::int as n from inbox`);
  return rows[0]?.n ?? 0;
}

/** Waits until the ledger group is stable with every instance in it (3 partitions: one each). */
async function groupStable(fx: PipelineFixture, members: number): Promise<void> {
  const admin = fx.kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([fx.ledgerGroup]);
        const group = groups[0];
        return group?.state === 'Stable' && group.members.length === members;
      },
      { description: `ledger group stable with ${members} members`, timeoutMs: 60_000 },
    );
  } finally {
    await admin.disconnect();
  }
}
