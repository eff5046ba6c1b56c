import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaApiKey, LocalKafkaCluster, pinnedVersions, uniqueName, waitFor } from '#test-infra';
import { readCommitted, SENTINEL_HEADER } from '../support/read-topic.js';

/**
 * Seed 001's `*.snapshot` files: the broker keeps, per partition, the last sequence numbers of
 * each producer id, and writes that map to a `.snapshot` file in the partition's folder (on a
 * clean shutdown, and when a segment rolls). Here an idempotent producer's record is written,
 * the answer lost in the proxy, the broker shut down and started again: the snapshot holds
 * the producer, and the retry that reaches the restarted broker is still taken as a duplicate.
 * After a clean shutdown the broker reads the map back from the snapshot and does not rebuild it
 * from the log: with the snapshot files deleted before the restart, the retry is written again
 * (offset 1; checked by hand).
 *
 * It starts a 1-node cluster of its own (it restarts the broker), behind the fault proxy.
 */
describe("the broker's producer state across a restart", () => {
  let cluster: LocalKafkaCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await LocalKafkaCluster.start({ version: pinnedVersions().kafka, proxied: true });
    kafka = new Kafka({
      clientId: 'producer-snapshot',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      // Longer than the broker's shutdown: the producer does not give up on the lost answer and
      // retry before the broker is down; it retries when the connection closes.
      requestTimeout: 60_000,
      // Reconnecting goes through the client's retries, the send through the producer's: both
      // long enough to outlast the broker's restart.
      retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 60 },
    });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is written to a .snapshot file and still answers a retried batch as a duplicate', async () => {
    const topic = uniqueName('snapshot');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const node = cluster.nodes[0];
    if (!node?.proxy) throw new Error('the node has no proxy');
    const proxy = node.proxy;

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const swallowedBefore = proxy.applied.swallowed;
    proxy.swallowResponses(KafkaApiKey.produce);
    const sent = producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'once' }] });
    sent.catch(() => undefined);
    await waitFor(() => proxy.applied.swallowed > swallowedBefore, {
      description: 'the broker answering the first Produce request',
      timeoutMs: 30_000,
    });

    await cluster.stopNode(node.nodeId, 'SIGTERM');
    const folder = join(node.dataDir, `${topic}-0`);
    const snapshots = readdirSync(folder).filter((f) => f.endsWith('.snapshot'));
    expect(snapshots).not.toEqual([]);
    const dump = await cluster.runTool('org.apache.kafka.tools.DumpLogSegments', [
      '--files',
      snapshots.map((f) => join(folder, f)).join(','),
    ]);
    expect(dump).toMatch(/producerId: \d+ producerEpoch: \d+/);
    expect(dump).toMatch(/lastSequence: 0\b/);

    cluster.startNode(node.nodeId);
    // Answered with the offset of the copy written before the restart, not written again.
    const [answer] = await sent;
    expect(answer?.baseOffset).toBe('0');
    await producer.disconnect();
    const values = (await readCommitted(kafka, topic))
      .filter((r) => r.headers[SENTINEL_HEADER] === undefined)
      .map((r) => r.value);
    expect(values).toEqual(['once']);
  }, 180_000);
});
