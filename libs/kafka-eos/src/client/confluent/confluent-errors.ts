import type { TransactionFailure } from '../../errors.js';

// The library's errors carry librdkafka's code: negative for its own (local) errors, the Kafka
// protocol's error code otherwise (https://kafka.apache.org/protocol.html#protocol_error_codes).
/** librdkafka's ERR__FENCED: a newer producer with the same transactional id took over. */
export const ERR_FENCED = -144;

const FENCED = new Set([
  ERR_FENCED, // librdkafka's fatal error for 47 and 90
  22, // ILLEGAL_GENERATION: the group moved on since this member joined (KIP-447)
  25, // UNKNOWN_MEMBER_ID: the group removed this member (KIP-447)
  47, // INVALID_PRODUCER_EPOCH
  52, // TRANSACTION_COORDINATOR_FENCED
  82, // FENCED_INSTANCE_ID
  90, // PRODUCER_FENCED
]);
const RETRIABLE = new Set([
  14, // COORDINATOR_LOAD_IN_PROGRESS
  15, // COORDINATOR_NOT_AVAILABLE
  16, // NOT_COORDINATOR
  51, // CONCURRENT_TRANSACTIONS
]);

/**
 * What a failed transaction step of @confluentinc/kafka-javascript means. A member the group
 * replaced is `fenced` like a producer with a newer epoch: another instance owns the partition,
 * and there is nothing to rewind.
 */
export function classifyConfluentError(error: unknown): TransactionFailure {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const { code } = e as { code?: unknown };
    if (typeof code !== 'number') continue;
    if (FENCED.has(code)) return 'fenced';
    if (RETRIABLE.has(code)) return 'retriable';
  }
  return 'unknown';
}
