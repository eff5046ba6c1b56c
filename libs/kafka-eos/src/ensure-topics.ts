import kafkajs, { type Kafka } from 'kafkajs';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from './batch-bytes.js';

// kafkajs is CommonJS: Node's ES module loader finds only some of its exports by name (Kafka,
// logLevel), not ConfigResourceTypes. Imported by name, every service failed to start.
const { ConfigResourceTypes } = kafkajs;

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

/**
 * The smallest `max.message.bytes` of `topics` (the largest record batch one partition of each
 * accepts, as the topic or, by default, the broker sets it), less a margin for the produce
 * request's own framing: what a producer may put in one send to any of them.
 */
export async function maxMessageBytes(kafka: Kafka, topics: string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['max.message.bytes'],
      })),
    });
    const limits = resources.flatMap((r) =>
      r.configEntries
        .filter((e) => e.configName === 'max.message.bytes')
        .map((e) => Number(e.configValue)),
    );
    return Math.min(...limits, KAFKA_DEFAULT_MAX_MESSAGE_BYTES) - 1_024;
  } finally {
    await admin.disconnect();
  }
}
