import { randomBytes } from 'node:crypto';
import { createKafkaClient, delay, ensureTopics, type KafkaClient } from '#kafka-eos';
import { uniqueName } from '#test-infra';

/** The size of each copied record's value, the relay's payload size (sample-transfer.ts). */
export const COPY_RECORD_BYTES = 345;

export interface CopySetup {
  kafkaBrokers: string;
  partitions: number;
  /** Records pre-filled into the input topic. */
  records: number;
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** A kafkajs client for the bench's own work (filling, watching), whatever client is measured. */
export function benchKafka(brokers: string): KafkaClient {
  return createKafkaClient({ clientId: 'bench-copy', brokers: brokers.split(','), logger: quiet });
}

/**
 * Fresh input and output topics of `partitions` partitions, and the input filled with `records`
 * records of COPY_RECORD_BYTES random bytes, no key, spread evenly over its partitions. Plain
 * produce (no transaction): the input holds no transaction markers, so its offsets count records.
 */
export async function freshCopyTopics(
  setup: CopySetup,
): Promise<{ input: string; output: string }> {
  const kafka = benchKafka(setup.kafkaBrokers);
  const [input, output] = [uniqueName('bench-copy-in'), uniqueName('bench-copy-out')];
  await ensureTopics(kafka, [
    { topic: input, numPartitions: setup.partitions },
    { topic: output, numPartitions: setup.partitions },
  ]);
  const producer = kafka.producer({ acks: -1, idempotent: false, retries: 5 });
  await producer.connect();
  try {
    for (let start = 0; start < setup.records; start += 1_000) {
      const count = Math.min(1_000, setup.records - start);
      const messages = Array.from({ length: count }, (_, i) => ({
        value: randomBytes(COPY_RECORD_BYTES),
        partition: (start + i) % setup.partitions,
      }));
      await producer.send([{ topic: input, messages }]);
    }
  } finally {
    await producer.disconnect();
  }
  return { input, output };
}

/** A copy's rate, and what it was measured over (few records timed: a noisy figure). */
export interface CopyRate {
  recordsPerSec: number;
  timedRecords: number;
  timedSec: number;
}

/**
 * Waits until `groupId`'s committed offsets on `topic` reach `records` and returns the copy rate:
 * the records committed after the first commit seen, per second since it. Kafka Streams' run
 * (bench/java/StreamsCopy.java) is timed the same way. `check` throws if the copier died.
 */
export async function timeCommittedCopy(
  brokers: string,
  watch: { groupId: string; topic: string; records: number; check: () => void },
): Promise<CopyRate> {
  const admin = benchKafka(brokers).admin();
  await admin.connect();
  try {
    const committed = async (): Promise<number> =>
      (await admin.committedOffsets(watch.groupId, watch.topic))
        .map((p) => Math.max(0, Number(p.offset)))
        .reduce((sum, n) => sum + n, 0);
    const started = performance.now();
    let first: { at: number; copied: number } | undefined;
    for (let copied = 0; copied < watch.records; copied = await committed()) {
      if (!first && copied > 0) first = { at: performance.now(), copied };
      watch.check();
      if (performance.now() - started > 600_000)
        throw new Error(`${watch.records} records were not copied in 10 minutes`);
      await delay(20);
    }
    const ended = performance.now();
    // All of it in the first commit seen: only the time since the start is left to divide by.
    const from = first && first.copied < watch.records ? first : { at: started, copied: 0 };
    const timedRecords = watch.records - from.copied;
    const timedSec = (ended - from.at) / 1000;
    return { recordsPerSec: timedRecords / timedSec, timedRecords, timedSec };
  } finally {
    await admin.disconnect();
  }
}
