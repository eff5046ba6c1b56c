import { Kafka, logLevel, type Producer } from 'kafkajs';
import { uniqueName, waitFor } from '#test-infra';

/**
 * What a kafkajs read_committed consumer sees when several transactional producers share a
 * partition and some of their transactions abort: only the committed records.
 *
 * The broker lists a fetch's aborted transactions in the order of their abort markers, not of
 * their first offsets, and more than one may have begun before the first record fetched.
 * kafkajs 2.2.4 assumed the list sorted by first offset and took one entry per record, so it
 * handed out records of aborted transactions in exactly these layouts (a chaos run saw ledger
 * results twice after a broker restart aborted several transactions at once). The fix is a
 * patch (patches/kafkajs+2.2.4.patch); these tests fail without it.
 */
describe('read_committed with interleaved aborted transactions', () => {
  const kafka = new Kafka({
    clientId: 'read-committed-e2e',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producers: Producer[] = [];

  afterAll(async () => {
    await Promise.all(producers.map((p) => p.disconnect()));
  });

  async function transactionalProducer(): Promise<Producer> {
    const producer = kafka.producer({
      transactionalId: uniqueName('txn'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    producers.push(producer);
    return producer;
  }

  async function topicWithOnePartition(): Promise<string> {
    const topic = uniqueName('read-committed');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    return topic;
  }

  /** Reads `topic` from `fromOffset` with read_committed until `last` has been seen. */
  async function readFrom(topic: string, fromOffset: number, last: string): Promise<string[]> {
    const groupId = uniqueName('reader');
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [{ partition: 0, offset: `${fromOffset}` }],
    });
    await admin.disconnect();
    const seen: string[] = [];
    const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 250 });
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
      },
    });
    try {
      await waitFor(() => seen.includes(last), {
        timeoutMs: 30_000,
        description: `record ${last}`,
      });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  it('hides a transaction that began before another one aborted ahead of it', async () => {
    const topic = await topicWithOnePartition();
    const [early, late, committed] = await Promise.all([1, 2, 3].map(transactionalProducer));
    const earlyTx = await early!.transaction();
    await earlyTx.send({ topic, messages: [{ value: 'early-1' }] });
    const lateTx = await late!.transaction();
    await lateTx.send({ topic, messages: [{ value: 'late-1' }] });
    await lateTx.abort(); // its marker comes first, so the broker lists it first
    await earlyTx.send({ topic, messages: [{ value: 'early-2' }] });
    await earlyTx.abort();
    const okTx = await committed!.transaction();
    await okTx.send({ topic, messages: [{ value: 'committed' }] });
    await okTx.commit();

    expect(await readFrom(topic, 0, 'committed')).toEqual(['committed']);
  });

  it('hides two aborted transactions that were both open where the fetch starts', async () => {
    const topic = await topicWithOnePartition();
    const [a, b, c] = await Promise.all([1, 2, 3].map(transactionalProducer));
    const aTx = await a!.transaction();
    await aTx.send({ topic, messages: [{ value: 'a-1' }] });
    const bTx = await b!.transaction();
    await bTx.send({ topic, messages: [{ value: 'b-1' }] });
    const cTx = await c!.transaction();
    await cTx.send({ topic, messages: [{ value: 'c-1' }] });
    await cTx.commit();
    // Where a rewound or restarted consumer resumes: both aborted transactions began earlier.
    const [resumeAt] = await bTx.send({ topic, messages: [{ value: 'b-2' }] });
    await aTx.send({ topic, messages: [{ value: 'a-2' }] });
    await aTx.abort();
    await bTx.abort();
    const cTx2 = await c!.transaction();
    await cTx2.send({ topic, messages: [{ value: 'c-2' }] });
    await cTx2.commit();

    expect(await readFrom(topic, Number(resumeAt!.baseOffset), 'c-2')).toEqual(['c-2']);
    expect(await readFrom(topic, 0, 'c-2')).toEqual(['c-1', 'c-2']);
  });
});
