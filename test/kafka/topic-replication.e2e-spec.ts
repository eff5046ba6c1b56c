import kafkajs from 'kafkajs';
import { ensureTopics, TopicReplicationError } from '#kafka-eos';
import { uniqueName } from '#test-infra';
import { ownThreeNodeCluster } from './three-node-cluster.js';

/**
 * Topics the services create keep their data: on a cluster of three, three replicas with
 * `min.insync.replicas=2`, so an acknowledged record survives the loss of a broker's disk; and a
 * topic a service writes to that exists with fewer replicas than configured stops it.
 */
describe('topics the services create', () => {
  const own = ownThreeNodeCluster('topic-replication-e2e');

  it('get 3 replicas and min.insync.replicas=2 on a cluster of 3 (auto)', async () => {
    const kafka = own.kafka();
    const topic = uniqueName('replicated');
    await ensureTopics(own.client(), [{ topic, numPartitions: 2, written: true }]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions.map((p) => p.replicas.length)).toEqual([3, 3]);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: kafkajs.ConfigResourceTypes.TOPIC,
            name: topic,
            configNames: ['min.insync.replicas'],
          },
        ],
      });
      expect(resources[0]?.configEntries[0]?.configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('refuse a written topic that exists with fewer replicas than configured', async () => {
    const kafka = own.kafka();
    const topic = uniqueName('under-replicated');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const ensure = ensureTopics(own.client(), [{ topic, numPartitions: 1, written: true }]);
    await expect(ensure).rejects.toThrow(TopicReplicationError);
    await expect(ensure).rejects.toThrow(
      new RegExp(
        `topic ${topic} has partitions with 1 replica\\(s\\), fewer than the 3 configured`,
      ),
    );
    // Read-only for the service: it may read such a topic.
    await expect(
      ensureTopics(own.client(), [{ topic, numPartitions: 1 }]),
    ).resolves.toBeUndefined();
  });
});
