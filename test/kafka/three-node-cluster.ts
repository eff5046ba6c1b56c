import { Kafka, logLevel } from 'kafkajs';
import type { KafkaClient } from '#kafka-eos';
import { LocalKafkaCluster, pinnedVersions } from '#test-infra';
import { clientUnderTest } from '../support/client-under-test.js';

/**
 * A 3-node Kafka cluster of the calling test file's own (replication factor 3,
 * min.insync.replicas 2), started from the Kafka jars local mode uses (so it needs Java) before
 * the file's tests and stopped after them. Call it inside `describe`.
 */
export function ownThreeNodeCluster(clientId: string): {
  cluster: () => LocalKafkaCluster;
  kafka: () => Kafka;
  /** The client port on the library under test, for the product's code. */
  client: () => KafkaClient;
} {
  let cluster: LocalKafkaCluster | undefined;
  let kafka: Kafka | undefined;
  let client: KafkaClient | undefined;
  beforeAll(async () => {
    cluster = await LocalKafkaCluster.start({ version: pinnedVersions().kafka, size: 3 });
    kafka = new Kafka({ clientId, brokers: cluster.brokers, logLevel: logLevel.NOTHING });
    client = clientUnderTest(cluster.brokers, { clientId });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the 3-node cluster did not start');
    return value;
  };
  return {
    cluster: () => started(cluster),
    kafka: () => started(kafka),
    client: () => started(client),
  };
}
