import { KafkaJS } from '@confluentinc/kafka-javascript';
import { Kafka, logLevel } from 'kafkajs';
import { fetchCommittedOffset } from '#kafka-eos';
import { uniqueName, waitFor } from '#test-infra';
import { clientUnderTest } from '../support/client-under-test.js';
import { readCommitted } from '../support/read-topic.js';

/**
 * KIP-447 with @confluentinc/kafka-javascript (librdkafka): offsets sent in a transaction carry
 * the consumer's group metadata (member id, generation), so the broker refuses the commit of a
 * member the group has replaced, whatever its transactional id. This is what lets one
 * transactional producer per instance replace kafkajs's one per input partition (issue 12).
 */
describe('KIP-447 fencing with the Confluent client', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const confluent = new KafkaJS.Kafka({
    kafkaJS: { brokers, clientId: 'kip447-e2e', logLevel: KafkaJS.logLevel.NOTHING },
  });
  const kafkajs = new Kafka({ clientId: 'kip447-e2e-check', brokers, logLevel: logLevel.NOTHING });

  async function topicsWithInput(records: number): Promise<{ input: string; output: string }> {
    const [input, output] = [uniqueName('kip447-in'), uniqueName('kip447-out')];
    const admin = kafkajs.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [input, output].map((topic) => ({ topic, numPartitions: 1 })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafkajs.producer();
    await producer.connect();
    await producer.send({
      topic: input,
      messages: Array.from({ length: records }, (_, i) => ({ value: `r${i}` })),
    });
    await producer.disconnect();
    return { input, output };
  }

  function consumer(groupId: string) {
    return confluent.consumer({
      kafkaJS: { groupId, fromBeginning: true, autoCommit: false, sessionTimeout: 6_000 },
      'max.poll.interval.ms': 4_000,
    });
  }

  async function transactionalProducer() {
    const producer = confluent.producer({
      kafkaJS: { transactionalId: uniqueName('kip447-tx'), idempotent: true },
    });
    await producer.connect();
    return producer;
  }

  /**
   * The batch's records to `output`, then (once `stall` settles) the offset after it, in
   * transaction `tx`.
   */
  async function copyInTransaction(
    tx: KafkaJS.Transaction,
    member: KafkaJS.Consumer,
    batch: KafkaJS.Batch,
    output: string,
    stall: Promise<void> = Promise.resolve(),
  ): Promise<void> {
    await tx.send({ topic: output, messages: batch.messages.map((m) => ({ value: m.value })) });
    await stall;
    await tx.sendOffsets({
      consumer: member,
      topics: [
        {
          topic: batch.topic,
          partitions: [{ partition: 0, offset: (BigInt(batch.lastOffset()) + 1n).toString() }],
        },
      ],
    });
  }

  async function committedOffset(groupId: string, topic: string): Promise<bigint | undefined> {
    const admin = clientUnderTest().admin();
    await admin.connect();
    try {
      return await fetchCommittedOffset(admin, groupId, topic, 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('refuses the commit of a member the group replaced; its successor commits once', async () => {
    const { input, output } = await topicsWithInput(3);
    const groupId = uniqueName('kip447-group');

    // The zombie: takes the batch, writes its outputs, then is stuck in its handler past
    // max.poll.interval.ms, so the group gives its partition away before it sends offsets.
    const zombie = consumer(groupId);
    const zombieProducer = await transactionalProducer();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let zombieError: unknown;
    let zombieDone = false;
    await zombie.connect();
    await zombie.subscribe({ topics: [input] });
    await zombie.run({
      eachBatch: async ({ batch }) => {
        if (zombieDone) return;
        zombieDone = true;
        const tx = await zombieProducer.transaction();
        try {
          await copyInTransaction(tx, zombie, batch, output, released);
          await tx.commit();
        } catch (error) {
          zombieError = error;
          await tx.abort();
        }
      },
    });
    await waitFor(() => zombieDone, {
      description: 'the zombie takes the batch',
      timeoutMs: 30_000,
    });

    // The successor joins the same group, gets the partition and copies each record once.
    const successor = consumer(groupId);
    const successorProducer = await transactionalProducer();
    let copied = 0;
    await successor.connect();
    await successor.subscribe({ topics: [input] });
    await successor.run({
      eachBatch: async ({ batch }) => {
        const tx = await successorProducer.transaction();
        await copyInTransaction(tx, successor, batch, output);
        await tx.commit();
        copied += batch.messages.length;
      },
    });
    await waitFor(() => copied === 3, {
      description: 'the successor copies the three records',
      timeoutMs: 60_000,
    });

    release();
    await waitFor(() => zombieError !== undefined, {
      description: "the zombie's commit is refused",
      timeoutMs: 30_000,
    });
    expect((zombieError as { code?: number }).code).toBe(25); // UNKNOWN_MEMBER_ID
    await Promise.all([zombie.disconnect(), successor.disconnect()]);
    await Promise.all([zombieProducer.disconnect(), successorProducer.disconnect()]);

    const values = (await readCommitted(kafkajs, output)).map((r) => r.value);
    expect(values.sort()).toEqual(['r0', 'r1', 'r2']);
    expect(await committedOffset(groupId, input)).toBe(3n);
  });
});
