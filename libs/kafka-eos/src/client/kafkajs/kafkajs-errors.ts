import type { TransactionFailure } from '../../errors.js';

// kafkajs errors carry the protocol's error `type` (and `code`); these sets follow the Kafka
// protocol's error table (https://kafka.apache.org/protocol.html#protocol_error_codes).
const FENCED = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'TRANSACTION_COORDINATOR_FENCED',
]);
/** kafkajs does not name error 90 (PRODUCER_FENCED, Kafka 2.7+); it reports the code alone. */
const FENCED_CODES = new Set([47, 52, 90]);
const RETRIABLE = new Set([
  'CONCURRENT_TRANSACTIONS',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
]);

/** What a failed kafkajs transaction step means. */
export function classifyKafkajsError(error: unknown): TransactionFailure {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const { type, code } = e as { type?: string; code?: number };
    if ((type && FENCED.has(type)) || (code !== undefined && FENCED_CODES.has(code))) {
      return 'fenced';
    }
    if (type && RETRIABLE.has(type)) return 'retriable';
  }
  return 'unknown';
}
