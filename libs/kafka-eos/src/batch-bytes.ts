import type { OutgoingMessage, TopicMessages } from './client/kafka-client.js';

/**
 * Kafka's default `max.message.bytes` (topic) and `message.max.bytes` (broker): the largest record
 * batch a partition accepts, 1 MiB plus the batch header's 12 bytes.
 */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** Bytes a record batch spends besides its records (v2 batch header). */
const BATCH_OVERHEAD_BYTES = 61;
/** Upper bound of a record's own framing: length, attributes, timestamp and offset deltas, counts. */
const RECORD_OVERHEAD_BYTES = 32;
const HEADER_OVERHEAD_BYTES = 10;

function size(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** An upper bound of the bytes `message` takes in an uncompressed v2 record batch. */
export function recordBytes(message: OutgoingMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + size(message.key) + size(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += HEADER_OVERHEAD_BYTES + size(name) + size(value);
  }
  return bytes;
}

/**
 * Splits `batch` into sends of at most `maxBytes` each (counted over all its topics and
 * partitions, so no partition's record batch can exceed it either), in order. A record larger
 * than `maxBytes` on its own goes alone; callers keep single records below the limit.
 */
export function splitByBytes(batch: TopicMessages[], maxBytes: number): TopicMessages[][] {
  const sends: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let bytes = BATCH_OVERHEAD_BYTES;
  for (const { topic, messages } of batch) {
    for (const message of messages) {
      const record = recordBytes(message);
      if (bytes + record > maxBytes && bytes > BATCH_OVERHEAD_BYTES) {
        sends.push(current);
        current = [];
        bytes = BATCH_OVERHEAD_BYTES;
      }
      const last = current.at(-1);
      if (last?.topic === topic) last.messages.push(message);
      else current.push({ topic, messages: [message] });
      bytes += record;
    }
  }
  if (current.length > 0) sends.push(current);
  return sends;
}
