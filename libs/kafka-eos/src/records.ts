/** A consumed record, independent of the Kafka client library. */
export interface InputRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/** A record to produce inside the consume-transform-produce transaction. */
export interface OutputRecord {
  topic: string;
  key?: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Thrown by a handler for a record that can never succeed (undecodable, invalid): it goes to the
 * dead-letter topic at once instead of being retried.
 */
export class PoisonRecordError extends Error {
  override readonly name = 'PoisonRecordError';
  readonly retriable = false;
}

/**
 * Thrown by a handler when a dependency is unavailable (database down): the record is retried
 * with backoff for as long as it takes, without counting towards its poison attempts.
 */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly retriable = true;
}
