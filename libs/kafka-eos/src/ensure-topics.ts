import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from './batch-bytes.js';
import type { KafkaClient } from './client/kafka-client.js';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  configEntries?: Array<{ name: string; value: string }>;
  /**
   * The service writes to this topic: if it exists with fewer replicas than the policy asks,
   * `ensureTopics` refuses (`TopicReplicationError`) rather than write data a single broker's
   * disk can lose.
   */
  written?: boolean;
}

/** How many copies of each partition topics get, and how many must have a write (acks=all). */
export interface ReplicationPolicy {
  /** `auto`: 3 on a cluster of 3 brokers or more, else as many as there are brokers. */
  replicationFactor: number | 'auto';
  /** `auto`: 2 when the replication factor is 3 or more, else 1. */
  minInsyncReplicas: number | 'auto';
}

export const AUTO_REPLICATION: ReplicationPolicy = {
  replicationFactor: 'auto',
  minInsyncReplicas: 'auto',
};

/** The policy's numbers on a cluster of `brokers` brokers. */
export function replicationFor(
  brokers: number,
  policy: ReplicationPolicy,
): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor =
    policy.replicationFactor === 'auto'
      ? Math.min(3, Math.max(1, brokers))
      : policy.replicationFactor;
  const minInsyncReplicas =
    policy.minInsyncReplicas === 'auto'
      ? replicationFactor >= 3
        ? 2
        : 1
      : policy.minInsyncReplicas;
  return { replicationFactor, minInsyncReplicas };
}

/** A topic the service writes to keeps fewer copies than configured: fix the topic or the setting. */
export class TopicReplicationError extends Error {
  override readonly name = 'TopicReplicationError';
  /** Waiting does not help: the service must not start. */
  readonly fatal = true;
}

/**
 * Creates the topics that do not exist yet, with explicit partitions, replication factor and
 * `min.insync.replicas` (from `policy` and the cluster's size), and waits for their leaders.
 * A topic written to that exists with fewer replicas than the policy asks makes it throw a
 * `TopicReplicationError`: a published request whose outbox row is deleted lives only in Kafka,
 * so it must survive the loss of a broker's disk.
 */
export async function ensureTopics(
  kafka: KafkaClient,
  topics: TopicSpec[],
  policy: ReplicationPolicy = AUTO_REPLICATION,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const { replicationFactor, minInsyncReplicas } = replicationFor(brokers, policy);
    const existing = new Set(await admin.listTopics());
    // Refused before anything is created: a topic written to that exists already decides.
    const written = topics.filter((t) => t.written && existing.has(t.topic)).map((t) => t.topic);
    const replicas =
      written.length > 0 ? await admin.fewestReplicas(written) : new Map<string, number>();
    for (const [name, fewest] of replicas) {
      if (fewest < replicationFactor) {
        throw new TopicReplicationError(
          `topic ${name} has partitions with ${fewest} replica(s), fewer than the ${replicationFactor} configured ` +
            `(TOPIC_REPLICATION_FACTOR=${policy.replicationFactor}): add replicas (kafka-reassign-partitions.sh) ` +
            'or lower the setting knowingly; refusing to write records a single broker could lose',
        );
      }
    }
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics(
        missing.map(({ topic, numPartitions, configEntries = [] }) => ({
          topic,
          numPartitions,
          replicationFactor,
          configEntries: [
            { name: 'min.insync.replicas', value: String(minInsyncReplicas) },
            ...configEntries,
          ],
        })),
      );
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * The smallest `max.message.bytes` of `topics` (the largest record batch one partition of each
 * accepts, as the topic or, by default, the broker sets it), less a margin for the produce
 * request's own framing: what a producer may put in one send to any of them.
 */
export async function maxMessageBytes(kafka: KafkaClient, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const values = await admin.topicConfig(topics, 'max.message.bytes');
    const limits = [...values.values()].map(Number);
    return Math.min(...limits, KAFKA_DEFAULT_MAX_MESSAGE_BYTES) - 1_024;
  } finally {
    await admin.disconnect();
  }
}
