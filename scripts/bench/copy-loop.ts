import {
  createKafkaClient,
  ensureTopics,
  RecordProcessor,
  type KafkaClientName,
  type RecordsHandler,
} from '#kafka-eos';
import { uniqueName } from '#test-infra';
import {
  freshCopyTopics,
  timeCommittedCopy,
  type CopyRate,
  type CopySetup,
} from './copy-topics.js';

/**
 * The library's consume-transform-produce loop copying a pre-filled topic under exactly-once on
 * one Kafka client: a `RecordProcessor` (what `KafkaEosServer` runs for each `@EventPattern`,
 * without Nest's per-record dispatch) whose handler forwards each record unchanged, timed like
 * the Kafka Streams baseline (`timeCommittedCopy`).
 */
export async function measureCopyLoop(
  setup: CopySetup & { client: KafkaClientName },
): Promise<CopyRate> {
  const { input, output } = await freshCopyTopics(setup);
  const deadLetterTopic = uniqueName('bench-copy-dlq');
  const kafka = createKafkaClient({
    library: setup.client,
    clientId: 'bench-copy-loop',
    brokers: setup.kafkaBrokers.split(','),
    logger: { log: () => undefined, warn: () => undefined, error: console.error },
  });
  // The processor reads the dead-letter topic's size limit at start: it must exist.
  await ensureTopics(kafka, [{ topic: deadLetterTopic, numPartitions: 1 }]);
  const groupId = uniqueName('bench-copy-loop');
  const processor = new RecordProcessor({
    kafka,
    groupId,
    topic: input,
    handler: identity(output),
    // As the ledger's batch handler: records of a fetched batch go to the handler 200 at a time.
    together: true,
    deadLetterTopic,
    outputTopics: [output],
    guarantee: 'exactly-once',
    // As the apps (PARTITIONS_CONSUMED_CONCURRENTLY, default 6): every partition at once.
    partitionsConsumedConcurrently: setup.partitions,
    logger: { log: () => undefined, warn: console.warn, error: console.error },
  });
  await processor.start();
  try {
    return await timeCommittedCopy(setup.kafkaBrokers, {
      groupId,
      topic: input,
      records: setup.records,
      check: () => {
        if (processor.state !== 'running') throw new Error(`copy loop is ${processor.state}`);
      },
    });
  } finally {
    await processor.stop();
  }
}

/** Each record's one output: the record itself, unchanged, on `topic`. */
function identity(topic: string): RecordsHandler {
  return async (records) =>
    records.map((r) => [
      { topic, key: r.key, value: r.value ?? Buffer.alloc(0), headers: r.headers },
    ]);
}
