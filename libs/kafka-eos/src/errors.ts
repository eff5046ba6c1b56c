/**
 * How a failed Kafka transaction step should be handled; each client adapter tells it from its
 * library's errors (`KafkaClient.classifyTransactionError`).
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

/** Thrown when this instance's transactional producer has been fenced by a newer one. */
export class ProducerFencedError extends Error {
  override readonly name = 'ProducerFencedError';
  readonly retriable = false;
  constructor(transactionalId: string, options?: { cause?: unknown }) {
    super(`producer ${transactionalId} was fenced by a newer instance`, options);
  }
}
