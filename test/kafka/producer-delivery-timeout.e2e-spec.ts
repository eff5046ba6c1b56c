import { Kafka, logLevel } from 'kafkajs';
import { KafkaApiKey, LocalKafkaCluster, pinnedVersions, uniqueName } from '#test-infra';
import { readCommitted } from '../support/read-topic.js';

/**
 * Seed 002: with retries left at their default (about unlimited), `delivery.timeout.ms` is the
 * bound on how long a producer keeps trying. kafkajs has no such setting, so Kafka's own Java
 * console producer is the client here, on a broker behind the fault proxy that loses every
 * answer to a Produce request: each attempt times out after `request.timeout.ms`, and the
 * producer retries until the delivery timeout ends it.
 */
describe('a Java producer with delivery.timeout.ms', () => {
  let cluster: LocalKafkaCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await LocalKafkaCluster.start({ version: pinnedVersions().kafka, proxied: true });
    kafka = new Kafka({
      clientId: 'delivery-timeout',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
    });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  const proxy = () => {
    const p = cluster.nodes[0]?.proxy;
    if (!p) throw new Error('the node has no proxy');
    return p;
  };

  async function newTopic(): Promise<string> {
    const topic = uniqueName('delivery-timeout');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    return topic;
  }

  /** Sends one line with the console producer; resolves when it exits, with what it logged. */
  async function produceLine(topic: string, line: string): Promise<string> {
    const tool = cluster.spawnTool('org.apache.kafka.tools.ConsoleProducer', [
      '--bootstrap-server',
      cluster.brokers.join(','),
      '--topic',
      topic,
      '--producer-property',
      'request.timeout.ms=1000',
      '--producer-property',
      'delivery.timeout.ms=4000',
      '--producer-property',
      'retry.backoff.ms=100',
    ]);
    let logged = '';
    tool.stderr?.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    tool.stdout?.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const exited = new Promise<void>((resolve) => tool.once('exit', () => resolve()));
    tool.stdin?.end(`${line}\n`);
    await exited;
    return logged;
  }

  it('gives a record up once delivery.timeout.ms has passed, after several attempts, though retries are unlimited', async () => {
    const topic = await newTopic();
    const before = proxy().applied.swallowed;
    proxy().swallowResponses(KafkaApiKey.produce, Infinity);
    const logged = await produceLine(topic, 'given-up');
    proxy().disarm();
    expect(logged).toMatch(/TimeoutException: Expiring 1 record/);
    // More than one attempt was sent and lost before the producer gave up.
    expect(proxy().applied.swallowed - before).toBeGreaterThan(1);
    // Given up does not mean not written: the broker wrote the first attempt (the producer is
    // idempotent by default, so the retries were not written again).
    expect((await readCommitted(kafka, topic)).map((r) => r.value)).toEqual(['given-up']);
  });

  it('delivers the same record with no error when the answers come back', async () => {
    const topic = await newTopic();
    const logged = await produceLine(topic, 'delivered');
    expect(logged).not.toMatch(/Expiring/);
    expect((await readCommitted(kafka, topic)).map((r) => r.value)).toEqual(['delivered']);
  });
});
