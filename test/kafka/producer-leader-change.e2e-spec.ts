import { uniqueName } from '#test-infra';
import { waitForKafkaReady } from '../infra/kafka-readiness.js';
import { readCommitted } from '../support/read-topic.js';
import { ownThreeNodeCluster } from './three-node-cluster.js';

/**
 * A transactional send to two partitions led by two brokers, right after one partition's leader
 * moved to the other broker: both messages are committed, or the send fails.
 *
 * kafkajs 2.2.4 retried a failed send only to brokers that had not answered yet; the partition
 * whose leadership had moved to a broker that already answered was never sent, the send
 * resolved, and the transaction committed without it. The chaos run on three Kafka nodes found it
 * as ledger results that were lost while their input offsets were committed. The fix is in
 * patches/kafkajs+2.2.4.patch; this test fails without it.
 *
 * It starts a 3-node cluster of its own (replication factor 3, min.insync.replicas 2) from the
 * Kafka jars local mode uses, so it needs Java, like the chaos runner's 3-broker mode.
 */
describe('a transactional send while a partition leader moves', () => {
  const own = ownThreeNodeCluster('leader-change-e2e');

  it('commits the messages of every partition', async () => {
    const kafka = own.kafka();
    const cluster = own.cluster();
    const topic = uniqueName('leader-change');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic,
          replicaAssignment: [
            { partition: 0, replicas: [1, 2, 3] },
            { partition: 1, replicas: [2, 3, 1] },
          ],
        },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const producer = kafka.producer({
      transactionalId: uniqueName('leader-change'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      // Caches partition 0 → node 1 and partition 1 → node 2 in the producer's metadata.
      const warm = await producer.transaction();
      await warm.send({
        topic,
        messages: [0, 1].map((p) => ({ partition: p, value: `warm-${p}` })),
      });
      await warm.commit();

      // A restart of node 1 hands partition 0 to node 2, the next replica, and node 1 comes back
      // as a follower (the preferred leader is restored only minutes later). The producer does
      // not know: its request to node 1 is answered NOT_LEADER_OR_FOLLOWER, node 2 accepts the
      // other partition, and the retry must send partition 0 to node 2 as well.
      await cluster.stopNode(1, 'SIGTERM');
      cluster.startNode(1);
      await waitForKafkaReady(cluster.brokers, 3);
      const tx = await producer.transaction();
      await tx.send({
        topic,
        messages: [0, 1].map((p) => ({ partition: p, value: `after-${p}` })),
      });
      await tx.commit();
    } finally {
      await producer.disconnect();
    }

    const values = (await readCommitted(kafka, topic)).map((r) => `${r.partition}:${r.value}`);
    expect(values.sort()).toEqual(['0:after-0', '0:warm-0', '1:after-1', '1:warm-1']);
  });
});
