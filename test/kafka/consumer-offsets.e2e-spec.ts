import { Kafka, logLevel, type Consumer, type ConsumerConfig } from 'kafkajs';
import { uniqueName, waitFor } from '#test-infra';
import { ChildService } from '../support/child-process.js';

/**
 * Seeds 001 and 002 on the consumer side: what a consumer group reads again depends only on the
 * offset it committed. Rewound to an earlier offset, the group gets every record from there
 * again; an auto-committing consumer that crashes after handling records but before its next
 * auto-commit leaves them to be handled again by whoever takes over.
 */
describe('a consumer group and its committed offset', () => {
  const kafka = new Kafka({
    clientId: 'consumer-offsets-e2e',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const consumers: Consumer[] = [];

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
  });

  async function topicWith(values: string[]): Promise<string> {
    const topic = uniqueName('consumer-offsets');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
    await producer.disconnect();
    return topic;
  }

  /** Joins `groupId` and collects what it is handed until `count` records have arrived. */
  async function consume(
    topic: string,
    config: ConsumerConfig,
    run: { autoCommit: boolean },
    count: number,
  ): Promise<{ consumer: Consumer; seen: string[] }> {
    const consumer = kafka.consumer({ maxWaitTimeInMs: 250, ...config });
    consumers.push(consumer);
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      ...run,
      eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
      },
    });
    await waitFor(() => seen.length >= count, {
      description: `${count} records of ${topic}`,
      timeoutMs: 30_000,
    });
    return { consumer, seen };
  }

  async function committedOffset(groupId: string, topic: string): Promise<string | undefined> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets?.partitions.find((p) => p.partition === 0)?.offset;
    } finally {
      await admin.disconnect();
    }
  }

  it('re-delivers every record from an earlier offset once the group is rewound there', async () => {
    const values = ['r0', 'r1', 'r2', 'r3', 'r4'];
    const topic = await topicWith(values);
    const groupId = uniqueName('rewound');

    const first = await consume(topic, { groupId }, { autoCommit: false }, values.length);
    await first.consumer.commitOffsets([{ topic, partition: 0, offset: '5' }]);
    await first.consumer.disconnect();
    expect(first.seen).toEqual(values);
    expect(await committedOffset(groupId, topic)).toBe('5');

    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
    await admin.disconnect();

    const again = await consume(topic, { groupId }, { autoCommit: false }, 3);
    expect(again.seen).toEqual(['r2', 'r3', 'r4']);
  });

  it('hands an auto-committing consumer that crashed mid-batch its successor the records it had handled', async () => {
    const values = ['a0', 'a1', 'a2'];
    const topic = await topicWith(values);
    const groupId = uniqueName('auto-commit');

    // kafkajs auto-commits after each batch (the Java client on a timer, auto.commit.interval.ms):
    // the consumer handles a0 and a1 of the batch and is killed before the batch's commit.
    const crashing = ChildService.start(
      'auto-commit-consumer',
      'test/support/auto-commit-consumer.js',
      {
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
        GROUP_ID: groupId,
        TOPIC: topic,
        CRASH_AFTER: 'a1',
      },
    );
    expect((await crashing.exited).signal).toBe('SIGKILL');
    expect(crashing.log.trim().split('\n')).toEqual(['handled a0', 'handled a1']);
    expect(await committedOffset(groupId, topic)).toBe('-1');

    const successor = await consume(topic, { groupId }, { autoCommit: true }, values.length);
    expect(successor.seen).toEqual(values);
  });
});
