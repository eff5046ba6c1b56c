import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { retryRetriable } from './retry-retriable.js';
import {
  classifyTransactionError,
  ProducerFencedError,
  type TransactionFailure,
} from './errors.js';

/** Offsets committed inside a transaction: "the next record to read" per partition. */
export interface TransactionalOffsets {
  groupId: string;
  topic: string;
  partitions: Array<{ partition: number; offset: string; metadata?: string }>;
}

/** What a unit of work may do inside one Kafka transaction. */
export interface TransactionScope {
  send(batch: TopicMessages[]): Promise<void>;
  sendOffsets(offsets: TransactionalOffsets): Promise<void>;
}

/** A transaction that did not commit; `failure` says what the caller must do next. */
export class TransactionFailedError extends Error {
  override readonly name = 'TransactionFailedError';
  readonly retriable: boolean;
  constructor(
    readonly failure: TransactionFailure,
    options: { cause: unknown },
  ) {
    super(`Kafka transaction failed (${failure})`, options);
    this.retriable = failure !== 'fenced';
  }
}

export interface TransactionalProducerOptions {
  /** Broker-side limit for one transaction; the coordinator aborts it after this. */
  transactionTimeoutMs?: number;
  /** First retry wait of a failed send (default 5 ms; see `start`). */
  initialRetryMs?: number;
}

/**
 * One kafkajs producer bound to one transactional id. Create it with `start()`, which fences
 * older instances; after any failed transaction, `close()` it and start a new one: kafkajs keeps
 * client-side transaction state that is not safe to reuse once a step has failed.
 */
export class TransactionalProducer {
  private constructor(
    private readonly producer: Producer,
    readonly transactionalId: string,
  ) {}

  /**
   * Connects and registers the transactional id with its coordinator (InitProducerId). That
   * bumps the producer epoch, which fences every older producer with this id and completes or
   * aborts its open transaction. Only after this may the caller trust positions it stored in
   * Kafka (committed offsets), because no older instance can still change them.
   */
  static async start(
    kafka: Kafka,
    transactionalId: string,
    options: TransactionalProducerOptions = {},
  ): Promise<TransactionalProducer> {
    const producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: options.transactionTimeoutMs ?? 30_000,
      // Back-to-back transactions: the first send of the next one often meets
      // CONCURRENT_TRANSACTIONS while the coordinator still writes the last one's markers.
      // kafkajs retries that after its default 300 ms; the markers take a few ms. Start small
      // (the Java client waits 20 ms in this case; 5 ms measured better here, since the wait
      // doubles on each retry and overshoots the markers less); it doubles up to 30 s, so a
      // broker that is really away is not hammered. Unbounded retries are kafkajs's default
      // for an idempotent producer (fewer could break its sequence numbers).
      retry: {
        initialRetryTime: options.initialRetryMs ?? 5,
        retries: Number.MAX_SAFE_INTEGER,
        maxRetryTime: 30_000,
      },
    });
    await producer.connect();
    try {
      // kafkajs sends InitProducerId lazily, at the first transaction(); an empty transaction
      // ends locally without a request.
      const tx = await producer.transaction();
      await tx.abort();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw new TransactionFailedError(classifyTransactionError(error), { cause: error });
    }
    return new TransactionalProducer(producer, transactionalId);
  }

  /**
   * Runs `work` inside one transaction and commits it. Never reports success before the commit
   * succeeded. On failure it aborts when it can and throws a `TransactionFailedError`; a fenced
   * producer throws with failure `fenced` (cause: `ProducerFencedError`).
   */
  async inTransaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    const tx = await this.producer.transaction();
    try {
      const result = await work({
        send: async (batch) => {
          await retryRetriable(() => tx.sendBatch({ topicMessages: batch }));
        },
        // kafkajs retries CONCURRENT_TRANSACTIONS on produce but not on AddOffsetsToTxn.
        sendOffsets: async ({ groupId, topic, partitions }) => {
          await retryRetriable(() =>
            tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions }] }),
          );
        },
      });
      await tx.commit();
      return result;
    } catch (error) {
      const failure = classifyTransactionError(error);
      if (failure !== 'fenced' && tx.isActive()) await tx.abort().catch(() => undefined);
      const cause =
        failure === 'fenced'
          ? new ProducerFencedError(this.transactionalId, { cause: error })
          : error;
      throw new TransactionFailedError(failure, { cause });
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}
