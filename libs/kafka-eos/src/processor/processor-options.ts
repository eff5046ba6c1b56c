import type { KafkaClient } from '../client/kafka-client.js';
import type { DeliveryGuarantee } from '../delivery-guarantee.js';
import type { EosLogger } from '../logger.js';
import type { DeadLetterAnswer, RecordsHandler } from './handle-records.js';

export interface RecordProcessorOptions {
  kafka: KafkaClient;
  groupId: string;
  topic: string;
  handler: RecordsHandler;
  /**
   * Whether the handler may get several records of a batch at once (in chunks of
   * `maxRecordsTogether`), e.g. to apply them in one database transaction. If such a call throws
   * (a poison record, a database error), nothing of its chunk may have been kept: the chunk is
   * handed over again record by record, with retries and dead letters.
   */
  together?: boolean;
  /** Records per handler call when `together` (default 200); heartbeats between calls. */
  maxRecordsTogether?: number;
  deadLetterTopic: string;
  /**
   * Outputs answering a record that goes to the dead-letter topic, produced with it: e.g. a
   * rejection, so that the request the record carried still ends instead of waiting for ever.
   * Outages it meets are waited out; any other error leaves the dead letter unanswered (logged
   * as an error and counted).
   */
  answerDeadLetter?: DeadLetterAnswer;
  /** Topics the handler writes to besides the dead-letter topic: their size limits bound each send. */
  outputTopics?: string[];
  logger: EosLogger;
  /** Told about each batch and transaction, for metrics. */
  observer?: ProcessorObserver;
  /** What a crash may lose or duplicate, and what it costs (default 'exactly-once'). */
  guarantee?: DeliveryGuarantee;
  /**
   * Transactional ids are `<prefix>.<topic>.<partition>` (kafkajs) or `<prefix>.<topic>.<instance>`
   * (a client with group fencing); defaults to the group id.
   */
  transactionalIdPrefix?: string;
  /**
   * With a client that has group fencing (one transactional producer per instance): a name this
   * instance keeps across restarts (a StatefulSet's pod name, say). A restarted instance then
   * aborts the transaction its predecessor left open at once, instead of its partitions waiting
   * for `transactionTimeoutMs`. Two running instances must never share one: each would fence
   * the other. Default: a random id per start.
   */
  instanceId?: string;
  /** Attempts before a failing record goes to the dead-letter topic (default 5). */
  maxAttempts?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** `transaction.timeout.ms` of the transactional producers (default 30 s). */
  transactionTimeoutMs?: number;
}

/** Hooks for metrics; the processor itself depends on no metrics library. */
export interface ProcessorObserver {
  /** A fetched batch of `records` data records; `lag` = records behind the partition's end. */
  batch?(partition: number, records: number, lag: number): void;
  transaction?(outcome: 'committed' | 'failed' | 'fenced' | 'timed-out'): void;
  /** A record went to the dead-letter topic; `answered` when its answer went with it. */
  deadLetter?(answered: boolean): void;
}
