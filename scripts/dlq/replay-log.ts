import type { OutgoingMessage } from '#kafka-eos';
import { coordinatesOf, type DeadLetter } from './dead-letter-record.js';
import type { ReadRecord } from './read-to-end.js';

/**
 * The replay log of a dead-letter topic: one record per replayed dead letter, written in the
 * Kafka transaction that re-publishes it, so a dead letter is in the log if and only if its
 * replay committed. One partition; kept for ever (a deleted entry would let its dead letter be
 * replayed again), and small: one short record per replay.
 */
export function replayLogTopic(deadLetterTopic: string): string {
  return `${deadLetterTopic}.replayed`;
}

/**
 * One transactional id per dead-letter topic: a replayer that starts fences any other one of the
 * same topic (running, frozen or killed) and settles its open transaction before it reads the log.
 */
export function replayTransactionalId(deadLetterTopic: string): string {
  return `dlq-replay.${deadLetterTopic}`;
}

export const REPLAY_LOG_TOPIC_CONFIG = [
  { name: 'cleanup.policy', value: 'delete' },
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
];

export interface ReplayLogEntry {
  deadLetter: { topic: string; partition: number; offset: string };
  /** The dead letter's `dlq-source-*`: part of what the log knows it by (`replayIdentity`). */
  source: { topic: string; partition: number; offset: string };
  to: { topic: string; partition: number };
  replayedAt: string;
}

export function logEntryFor(letter: DeadLetter, at: Date): ReplayLogEntry {
  if (!letter.source) throw new Error(`dead letter ${coordinatesOf(letter)} has no source`);
  return {
    deadLetter: { topic: letter.topic, partition: letter.partition, offset: letter.offset },
    source: letter.source,
    to: { topic: letter.source.topic, partition: letter.source.partition },
    replayedAt: at.toISOString(),
  };
}

export function toLogMessage(entry: ReplayLogEntry): OutgoingMessage {
  return {
    partition: 0,
    key: coordinatesOf(entry.deadLetter),
    value: JSON.stringify(entry),
    headers: { 'content-type': 'application/json' },
  };
}

/**
 * What the log knows a dead letter by: its coordinates and the source coordinates it names. The
 * coordinates alone are not enough: a dead-letter topic deleted and created again starts its
 * offsets over, and its new dead letters must not pass for the old ones replayed before.
 */
export function replayIdentity(
  at: { partition: number; offset: string },
  source: { topic: string; partition: number; offset: string } | undefined,
): string {
  const from = source ? `${source.topic}[${source.partition}:${source.offset}]` : '?';
  return `${coordinatesOf(at)} from ${from}`;
}

export type LoggedReplays = Map<string, ReplayLogEntry & { logOffset: string }>;

/**
 * The committed entries by `replayIdentity`, with where each is in the log. A record that is not
 * an entry (written by something else) is left out.
 */
export function loggedReplays(records: ReadRecord[]): LoggedReplays {
  const entries: LoggedReplays = new Map();
  for (const { message } of records) {
    const entry = parseEntry(message.value);
    if (entry)
      entries.set(replayIdentity(entry.deadLetter, entry.source), {
        ...entry,
        logOffset: message.offset,
      });
  }
  return entries;
}

function parseEntry(value: Buffer | null): ReplayLogEntry | undefined {
  try {
    const entry = JSON.parse(value?.toString('utf8') ?? '') as Partial<ReplayLogEntry>;
    const { deadLetter, source } = entry;
    if (typeof deadLetter?.partition !== 'number' || typeof deadLetter.offset !== 'string')
      return undefined;
    if (typeof source?.topic !== 'string') return undefined;
    return entry as ReplayLogEntry;
  } catch {
    return undefined;
  }
}
