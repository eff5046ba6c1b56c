import type { Kafka } from 'kafkajs';
import { KafkajsClient } from '#kafka-eos';

/**
 * The kafkajs client of the CLI, through the project's adapter (which refuses an unpatched
 * kafkajs: the replay's read_committed reads and transactional sends rely on the patches). The
 * CLI reads with kafkajs itself (`.kafka`) and replays through the client port.
 * kafkajs's own log lines go to stderr with --verbose only: it logs errors it is about to retry.
 */
export function createDlqKafka(brokers: string[], verbose: boolean): KafkajsClient {
  const say = verbose
    ? (message: string, context?: Record<string, unknown>): void =>
        void process.stderr.write(`[dlq] ${message} ${context ? JSON.stringify(context) : ''}\n`)
    : (): void => undefined;
  return new KafkajsClient({
    clientId: 'dlq-cli',
    brokers,
    logger: { log: say, warn: say, error: say },
  });
}

/** The partition count of each of `topics` that exists. */
export async function partitionCounts(
  kafka: Kafka,
  topics: string[],
): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [...new Set(topics)].filter((t) => existing.has(t));
    if (wanted.length === 0) return new Map();
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: wanted });
    return new Map(metadata.map((t) => [t.name, t.partitions.length]));
  } finally {
    await admin.disconnect();
  }
}
