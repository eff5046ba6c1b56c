import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor?: number;
  configEntries?: Array<{ name: string; value: string }>;
}

/** Creates the topics that do not exist yet, with explicit settings, and waits for leaders. */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({ replicationFactor: -1, ...t })),
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}
