/**
 * How a failed Kafka transaction step should be handled. kafkajs errors carry a protocol
 * `type`; these sets follow the Kafka protocol's error table
 * (https://kafka.apache.org/protocol.html#protocol_error_codes).
 */
export type TransactionFailure =
  /** Another producer with the same transactional id took over: this instance must stop. */
  | 'fenced'
  /**
   * The coordinator aborted the transaction because it ran past `transaction.timeout.ms` (a
   * stalled read, a paused process, a broker outage) and bumped the producer's epoch. Nobody
   * else took over: start a new producer, re-read the committed position, and go on.
   */
  | 'timed-out'
  /** The step can be retried as it is, after a short backoff. */
  | 'retriable'
  /**
   * Anything else: the transaction's outcome may be unknown (a commit that timed out may still
   * complete). Discard the producer, start a new one (which aborts or completes the old
   * transaction), and re-read the committed position before going on.
   */
  | 'unknown';

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

export function classifyTransactionError(error: unknown): TransactionFailure {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const { type, code } = e as { type?: string; code?: number };
    if ((type && FENCED.has(type)) || (code !== undefined && FENCED_CODES.has(code))) {
      return 'fenced';
    }
    if (type && RETRIABLE.has(type)) return 'retriable';
  }
  return 'unknown';
}

/** Thrown when this instance's transactional producer has been fenced by a newer one. */
export class ProducerFencedError extends Error {
  override readonly name = 'ProducerFencedError';
  readonly retriable = false;
  constructor(transactionalId: string, options?: { cause?: unknown }) {
    super(`producer ${transactionalId} was fenced by a newer instance`, options);
  }
}
