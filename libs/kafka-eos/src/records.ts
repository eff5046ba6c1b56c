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

/** A consumed message as both client libraries hand it over (their types differ only in name). */
export interface ClientMessage {
  offset: string;
  key?: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** A client's message as the client-neutral `InputRecord`: headers flattened to strings. */
export function toInputRecord(
  topic: string,
  partition: number,
  message: ClientMessage,
): InputRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined)
      headers[name] = (Array.isArray(value) ? value[0] : value)?.toString() ?? '';
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers,
    timestamp: message.timestamp,
  };
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
