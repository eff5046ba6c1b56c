import type { IHeaders } from 'kafkajs';
import { DeadLetterHeaders } from '#kafka-eos';
import type { ReadRecord } from './read-to-end.js';

/**
 * Added to a replayed record: the dead letter it was replayed from, `<topic>:<partition>:<offset>`.
 * It starts with `dlq-` like the dead-letter headers, so if the replayed record fails again its
 * new dead letter shows that it was replayed, and a second replay replaces it.
 */
export const REPLAYED_FROM_HEADER = 'dlq-replayed-from';

/** A record of a dead-letter topic, with its `dlq-*` headers read. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  /** When it was dead-lettered (the record's timestamp), ISO 8601. */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Every header as it is on the record, the original ones and the `dlq-*` ones. */
  headers: IHeaders;
  reason?: string;
  source?: { topic: string; partition: number; offset: string };
  attempts?: number;
  /** Set when the value was cut to fit: the original value's size in bytes. */
  truncatedBytes?: number;
  /** `true`/`false` from `dlq-answered`; undefined when the header is absent. */
  answered?: boolean;
  replayedFrom?: string;
}

export function asDeadLetter({ topic, partition, message }: ReadRecord): DeadLetter {
  const headers = message.headers ?? {};
  const text = (name: string): string | undefined => headerText(headers[name]);
  const sourceTopic = text(DeadLetterHeaders.sourceTopic);
  const sourcePartition = wholeNumber(text(DeadLetterHeaders.sourcePartition));
  const sourceOffset = text(DeadLetterHeaders.sourceOffset);
  const answered = text(DeadLetterHeaders.answered);
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    reason: text(DeadLetterHeaders.reason),
    source:
      sourceTopic && sourcePartition !== undefined
        ? { topic: sourceTopic, partition: sourcePartition, offset: sourceOffset ?? '?' }
        : undefined,
    attempts: wholeNumber(text(DeadLetterHeaders.attempts)),
    truncatedBytes: wholeNumber(text(DeadLetterHeaders.valueTruncated)),
    answered: answered === undefined ? undefined : answered === 'true',
    replayedFrom: text(REPLAYED_FROM_HEADER),
  };
}

/** The record's own headers, as the source topic had them: without the `dlq-*` ones. */
export function originalHeaders(letter: DeadLetter): IHeaders {
  return Object.fromEntries(
    Object.entries(letter.headers).filter(
      ([name, value]) => !name.startsWith('dlq-') && value !== undefined,
    ),
  );
}

/** `<partition>:<offset>`, the coordinates an operator types. */
export function coordinatesOf(letter: { partition: number; offset: string }): string {
  return `${letter.partition}:${letter.offset}`;
}

function headerText(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === null ? undefined : first.toString();
}

function wholeNumber(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}
