import { Kafka, logLevel } from 'kafkajs';
import { uniqueName } from '#test-infra';
import { readCommitted } from '../support/read-topic.js';

/**
 * Seed 001: the records of one transaction, here on two topics, are written all or not at all as
 * a read_committed consumer sees them. An aborted transaction's records are still in the log (a
 * read_uncommitted consumer gets them); the abort marker is what hides them.
 */
describe('a transaction over two topics', () => {
  const kafka = new Kafka({
    clientId: 'all-or-nothing-e2e',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });

  async function twoTopics(): Promise<[string, string]> {
    const topics: [string, string] = [uniqueName('txn-a'), uniqueName('txn-b')];
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    return topics;
  }

  /** One transaction that writes `value` to both topics, then commits or aborts. */
  async function transaction(topics: string[], value: string, end: 'commit' | 'abort') {
    const producer = kafka.producer({
      transactionalId: uniqueName('all-or-nothing'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const tx = await producer.transaction();
      await tx.sendBatch({
        topicMessages: topics.map((topic) => ({ topic, messages: [{ value }] })),
      });
      await (end === 'commit' ? tx.commit() : tx.abort());
    } finally {
      await producer.disconnect();
    }
  }

  const values = async (topic: string, readUncommitted = false): Promise<string[]> =>
    (await readCommitted(kafka, topic, { readUncommitted })).map((r) => r.value);

  it('is seen whole by read_committed when committed, and not at all when aborted', async () => {
    const [a, b] = await twoTopics();
    await transaction([a, b], 'committed', 'commit');
    await transaction([a, b], 'aborted', 'abort');

    expect(await values(a)).toEqual(['committed']);
    expect(await values(b)).toEqual(['committed']);
    expect(await values(a, true)).toEqual(['committed', 'aborted']);
    expect(await values(b, true)).toEqual(['committed', 'aborted']);
  });
});
