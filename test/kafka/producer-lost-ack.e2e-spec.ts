import { Kafka, logLevel, type Producer } from 'kafkajs';
import { KafkaApiKey, LocalKafkaCluster, pinnedVersions, uniqueName } from '#test-infra';
import { readCommitted, SENTINEL_HEADER } from '../support/read-topic.js';

/**
 * Seed 001 on the producer side: the broker writes a record, its answer is lost on the way back
 * (the proxy in front of the broker swallows the Produce response), the producer's request times
 * out and it sends again. Without idempotence the broker writes the retry as a new record; with it
 * the broker knows the producer id and sequence number and answers the retry without writing.
 */
describe('a producer whose acknowledgement is lost', () => {
  let cluster: LocalKafkaCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await LocalKafkaCluster.start({ version: pinnedVersions().kafka, proxied: true });
    kafka = new Kafka({
      clientId: 'lost-ack',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      requestTimeout: 1_500,
      retry: { initialRetryTime: 100, retries: 5 },
    });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  /**
   * Sends `values` to one partition, each with its own concurrent `send`, while the broker's
   * answer to the first Produce request is lost; returns what the partition holds.
   */
  async function sendThroughLostAck(producer: Producer, values = ['once']): Promise<string[]> {
    const topic = uniqueName('lost-ack');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    await producer.connect();
    const proxy = cluster.nodes[0]?.proxy;
    if (!proxy) throw new Error('the node has no proxy');
    const swallowedBefore = proxy.applied.swallowed;
    proxy.swallowResponses(KafkaApiKey.produce);
    await Promise.all(
      values.map((value) => producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] })),
    );
    await producer.disconnect();
    expect(proxy.applied.swallowed).toBe(swallowedBefore + 1);
    return (await readCommitted(kafka, topic))
      .filter((r) => r.headers[SENTINEL_HEADER] === undefined)
      .map((r) => r.value);
  }

  it('is written twice when the producer retries without idempotence', async () => {
    const producer = kafka.producer({ idempotent: false, maxInFlightRequests: 1 });
    expect(await sendThroughLostAck(producer)).toEqual(['once', 'once']);
  });

  it('is written once when the producer is idempotent (the broker answers the retry as a duplicate)', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    expect(await sendThroughLostAck(producer)).toEqual(['once']);
  });

  // A kafkajs 2.2.4 bug, patched: a send whose answer timed out gave its sequence number back,
  // the next send took it, the broker answered that one as a duplicate without writing it (lost),
  // and the retry was written under a new number (doubled).
  it('is written once, and the send behind it too, when two sends share the partition', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const written = await sendThroughLostAck(producer, ['first', 'second']);
    expect(written.sort()).toEqual(['first', 'second']);
  });
});
