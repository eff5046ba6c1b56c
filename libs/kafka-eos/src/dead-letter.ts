import { recordBytes } from './batch-bytes.js';
import type { InputRecord, OutputRecord } from './records.js';

/** Headers a dead-letter record carries besides the original ones. */
export const DeadLetterHeaders = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  attempts: 'dlq-attempts',
  /**
   * Set when the value was cut to fit the dead-letter topic: the original value's size in bytes.
   * Such a record cannot be replayed as it is.
   */
  valueTruncated: 'dlq-value-truncated',
  /**
   * `true` when the failed record was answered in the same transaction (e.g. the ledger's
   * `TransferRejected`, so the request it carried still ends), `false` when it could not be.
   */
  answered: 'dlq-answered',
} as const;

/** Why a record could not be handled, as the processor tells the dead-letter answer. */
export interface DeadLetterFailure {
  error: unknown;
  attempts: number;
  /** The handler said the record can never succeed (undecodable, invalid), as opposed to failing `attempts` times. */
  poison: boolean;
}

/**
 * The original record, unchanged, with where it came from and why it failed. If it would not
 * fit in `maxBytes` (the dead-letter topic's limit: a record near the source topic's limit plus
 * these headers may not), its value is cut and `dlq-value-truncated` says how long it was, so the
 * transaction that carries it can still commit and the partition moves on.
 */
export function toDeadLetter(
  record: InputRecord,
  deadLetterTopic: string,
  failure: DeadLetterFailure & { answered: boolean },
  maxBytes: number,
): OutputRecord {
  const { error, attempts, answered } = failure;
  const value = record.value ?? Buffer.alloc(0);
  const ours: Record<string, string> = {
    [DeadLetterHeaders.reason]: (error instanceof Error ? error.message : String(error)).slice(
      0,
      1_000,
    ),
    [DeadLetterHeaders.sourceTopic]: record.topic,
    [DeadLetterHeaders.sourcePartition]: String(record.partition),
    [DeadLetterHeaders.sourceOffset]: record.offset,
    [DeadLetterHeaders.attempts]: String(attempts),
    [DeadLetterHeaders.answered]: String(answered),
  };
  const deadLetter = {
    topic: deadLetterTopic,
    key: record.key,
    value,
    headers: { ...record.headers, ...ours },
  };
  const excess = recordBytes(deadLetter) + TRUNCATION_MARGIN_BYTES - maxBytes;
  if (excess <= 0) return deadLetter;
  const truncated = { [DeadLetterHeaders.valueTruncated]: String(value.length) };
  const cut = value.subarray(0, Math.max(0, value.length - excess));
  // Headers so large that even an empty value does not fit: only ours are kept.
  const headers = cut.length > 0 ? deadLetter.headers : ours;
  return { ...deadLetter, value: cut, headers: { ...headers, ...truncated } };
}

/** Room for the truncation header itself. */
const TRUNCATION_MARGIN_BYTES = 64;
