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

/** The original record, unchanged, with where it came from and why it failed. */
export function toDeadLetter(
  record: InputRecord,
  deadLetterTopic: string,
  error: unknown,
  attempts: number,
): OutputRecord {
  return {
    topic: deadLetterTopic,
    key: record.key,
    value: record.value ?? Buffer.alloc(0),
    headers: {
      ...record.headers,
      [DeadLetterHeaders.reason]: (error instanceof Error ? error.message : String(error)).slice(
        0,
        1_000,
      ),
      [DeadLetterHeaders.sourceTopic]: record.topic,
      [DeadLetterHeaders.sourcePartition]: String(record.partition),
      [DeadLetterHeaders.sourceOffset]: record.offset,
      [DeadLetterHeaders.attempts]: String(attempts),
    },
  };
}
