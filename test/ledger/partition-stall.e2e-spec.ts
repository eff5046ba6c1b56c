import { Kafka, logLevel } from 'kafkajs';
import { uniqueName, waitFor } from '#test-infra';
import { LedgerFixture } from './ledger-fixture.js';

/**
 * A fetched batch that lies entirely below the partition's committed offset. kafkajs fetches
 * from the offset it last resolved, which can lag behind the committed one: here the previous
 * owner of the partition commits between the ledger's join (when kafkajs reads the committed
 * offsets) and its claim (when it fences that owner and reads the committed offset itself). A
 * consumer that only skipped such records would fetch the same batch for ever.
 */
describe('a partition whose fetched batch is already committed', () => {
  let fx: LedgerFixture;

  beforeAll(async () => {
    fx = await LedgerFixture.create('partition-stall');
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('moves on to the committed offset instead of fetching that batch again', async () => {
    const setup = await fx.startLedger({ POSTING_ENABLED: 'false' });
    const payer = await fx.openAccount(setup, 'EUR', 1_000n);
    const payee = await fx.openAccount(setup, 'EUR');
    await setup.process.stop();
    // One key: one partition. More than one fetch's worth (kafkajs fetches up to 1 MiB per
    // partition), all "handled by the previous owner" below: were the ledger to fetch them again
    // and again, it would never reach the records behind them.
    for (let i = 0; i < 12; i++) {
      await fx.send([{ raw: `handled by the previous owner ${'.'.repeat(100_000)}`, key: payer }]);
    }

    const ledger = await fx.startLedger({
      EOS_PAUSE_AT: 'eos.before-claim',
      // Room for the test's commit before the group would evict the frozen member (an evicted
      // member rejoins and re-reads the committed offsets, which hides the problem).
      KAFKA_SESSION_TIMEOUT_MS: '30000',
    });
    await waitFor(() => ledger.process.log.includes('crash point eos.before-claim'), {
      description: 'the ledger frozen before its first claim',
      timeoutMs: 30_000,
    });
    const { partition, end } = await partitionOf(fx, payer);
    await commitAsPreviousOwner(fx, partition, end);
    ledger.process.kill('SIGCONT');

    const late = Array.from({ length: 5 }, () => fx.transfer(payer, payee, 2n));
    await fx.send(late);
    await fx.waitForApplied(30_000);
    expect(ledger.process.log).toMatch(
      new RegExp(`ends before the committed offset; moving to ${end}`),
    );
    // Nothing of what the previous owner handled went to the dead-letter topic from here.
    expect(await fx.resultEvents()).toHaveLength(late.length);
  });
});

/** The partition the (single-key) records went to, and its end offset. */
async function partitionOf(
  fx: LedgerFixture,
  key: string,
): Promise<{ partition: number; end: number }> {
  const admin = fx.kafka.admin();
  await admin.connect();
  try {
    const used = (await admin.fetchTopicOffsets(fx.requested)).filter((o) => o.high !== '0');
    if (used.length !== 1 || !used[0])
      throw new Error(`records of key ${key} in ${used.length} partitions`);
    return { partition: used[0].partition, end: Number(used[0].high) };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits `offset` for the ledger's group on `partition` the way the partition's previous owner
 * would: in a transaction of the partition's transactional id (`<group>.<topic>.<partition>`).
 */
async function commitAsPreviousOwner(
  fx: LedgerFixture,
  partition: number,
  offset: number,
): Promise<void> {
  const kafka = new Kafka({
    clientId: uniqueName('previous-owner'),
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({
    transactionalId: `${fx.group}.${fx.requested}.${partition}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const tx = await producer.transaction();
    await tx.sendOffsets({
      consumerGroupId: fx.group,
      topics: [{ topic: fx.requested, partitions: [{ partition, offset: String(offset) }] }],
    });
    await tx.commit();
  } finally {
    await producer.disconnect();
  }
}
