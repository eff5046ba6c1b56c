import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** One topic to read, whole or in part. */
export interface ReadSpan {
  topic: string;
  /** Only this partition (default: all). */
  partition?: number;
  /** From this offset instead of the earliest one kept. */
  from?: bigint;
  /** Stop before this offset, if it comes before the end. */
  until?: bigint;
}

export interface ReadRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** Where a partition's records began and where its committed ones ended when the read began. */
export interface PartitionRange {
  topic: string;
  partition: number;
  /** The earliest offset kept (older records were deleted by retention). */
  low: bigint;
  /** The last stable offset: every record before it is committed, aborted or non-transactional. */
  end: bigint;
}

/**
 * Everything committed to the spans' partitions before this call, read with read_committed.
 *
 * "Before this call" is each partition's last stable offset, asked for first (an admin
 * ListOffsets is read_committed in kafkajs): no waiting for a quiet period. A consumer of a
 * throwaway group reads up to it; a fetched batch that holds only aborted records or transaction
 * markers never reaches `eachBatch`, but kafkajs reports its last offset in its end-of-batch
 * event, so progress is counted from that event. Assumes the topics are not compacted: a
 * compacted tail could leave the end offset past the last record, and the read would time out.
 */
export async function readCommittedToEnd(
  kafka: Kafka,
  spans: ReadSpan[],
  { timeoutMs = 60_000 } = {},
): Promise<{ records: ReadRecord[]; ranges: PartitionRange[] }> {
  const groupId = `dlq-reader-${randomBytes(5).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ranges: PartitionRange[] = [];
    const pending = new Map<string, { from: bigint; until: bigint }>();
    const seeks: Array<{ topic: string; partition: number; offset: string }> = [];
    for (const span of spans) {
      for (const { partition, low, offset } of await admin.fetchTopicOffsets(span.topic)) {
        if (span.partition !== undefined && partition !== span.partition) continue;
        const range = { topic: span.topic, partition, low: BigInt(low), end: BigInt(offset) };
        ranges.push(range);
        const from = span.from !== undefined && span.from > range.low ? span.from : range.low;
        const until = span.until !== undefined && span.until < range.end ? span.until : range.end;
        if (from >= until) continue;
        pending.set(`${span.topic}:${partition}`, { from, until });
        if (from > range.low) seeks.push({ topic: span.topic, partition, offset: String(from) });
      }
    }
    if (pending.size === 0) return { records: [], ranges };
    const records = await consume(kafka, groupId, pending, seeks, timeoutMs);
    return { records, ranges };
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function consume(
  kafka: Kafka,
  groupId: string,
  pending: Map<string, { from: bigint; until: bigint }>,
  seeks: Array<{ topic: string; partition: number; offset: string }>,
  timeoutMs: number,
): Promise<ReadRecord[]> {
  const bounds = new Map(pending);
  const records: ReadRecord[] = [];
  const seen = new Set<string>();
  // A short fetch wait: disconnecting waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, readUncommitted: false });
  let done = (): void => undefined;
  let fail = (_error: unknown): void => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) fail(payload.error);
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = `${payload.topic}:${payload.partition}`;
    const span = pending.get(key);
    if (span && BigInt(payload.lastOffset) + 1n >= span.until) pending.delete(key);
    if (pending.size === 0) done();
  });
  await consumer.connect();
  try {
    for (const topic of new Set([...pending.keys()].map((k) => k.slice(0, k.lastIndexOf(':')))))
      await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const span = bounds.get(`${batch.topic}:${batch.partition}`);
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          const id = `${batch.topic}:${batch.partition}:${offset}`;
          if (!span || offset < span.from || offset >= span.until || seen.has(id)) continue;
          seen.add(id);
          records.push({ topic: batch.topic, partition: batch.partition, message });
        }
      },
    });
    // A fresh group starts at the earliest offset; a fetch begun before the seek may deliver
    // records from there, which the bounds and `seen` leave out or keep once. (kafkajs's
    // admin.setOffsets would avoid that, but it runs a whole consumer and waits out a fetch.)
    for (const seek of seeks) consumer.seek(seek);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const left = [...pending.entries()].map(([k, s]) => `${k} (until ${s.until})`).join(', ');
        reject(new Error(`reading did not reach the end offsets within ${timeoutMs} ms: ${left}`));
      }, timeoutMs);
    });
    await Promise.race([finished, timedOut]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return records.sort(
    (a, b) =>
      a.topic.localeCompare(b.topic) ||
      a.partition - b.partition ||
      Number(BigInt(a.message.offset) - BigInt(b.message.offset)),
  );
}
