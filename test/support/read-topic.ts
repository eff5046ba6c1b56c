import type { Kafka, KafkaMessage } from 'kafkajs';
import { uniqueName, waitFor } from '#test-infra';

/** Marks the records `readCommitted` appends; a consumer that dead-letters one keeps it. */
export const SENTINEL_HEADER = 'test-sentinel';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Everything committed to `topic` so far, read with `read_committed` (or, when asked, everything
 * written, aborted transactions included), partition by partition.
 *
 * To know where "so far" ends without guessing a quiet period, it first appends a sentinel
 * record to every partition in a committed transaction of its own, then reads until it has seen
 * each partition's sentinel. Call it when the producers under test are stopped, or accept that
 * records they commit later may or may not be included.
 */
export async function readCommitted(
  kafka: Kafka,
  topic: string,
  { readUncommitted = false, timeoutMs = 60_000 } = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const partitions =
    (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
  await admin.disconnect();
  const sentinel = uniqueName('sentinel');

  const producer = kafka.producer({
    transactionalId: sentinel,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const tx = await producer.transaction();
  await tx.send({
    topic,
    messages: partitions.map((p) => ({
      partition: p.partitionId,
      value: sentinel,
      headers: { [SENTINEL_HEADER]: sentinel },
    })),
  });
  await tx.commit();
  await producer.disconnect();

  const records: ReadRecord[] = [];
  const done = new Set<number>();
  // A short fetch wait: disconnecting waits for the fetch in flight.
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    readUncommitted,
    maxWaitTimeInMs: 250,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = decodeHeaders(message);
        if (headers[SENTINEL_HEADER] === sentinel) done.add(partition);
        else if (!headers[SENTINEL_HEADER]) records.push(toRecord(partition, message, headers));
      },
    });
    await waitFor(() => done.size === partitions.length, {
      description: `the sentinel in all ${partitions.length} partitions of ${topic}`,
      timeoutMs,
    });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

function decodeHeaders(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return headers;
}

function toRecord(
  partition: number,
  message: KafkaMessage,
  headers: Record<string, string>,
): ReadRecord {
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? '',
    headers,
  };
}
