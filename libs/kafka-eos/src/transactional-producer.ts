import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES, splitByBytes } from './batch-bytes.js';
import type {
  KafkaClient,
  KafkaConsumer,
  KafkaTransactionalProducer,
  PartitionOffset,
  TopicMessages,
} from './client/kafka-client.js';
import { ProducerFencedError, type TransactionFailure } from './errors.js';
import { retryRetriable } from './retry-retriable.js';

/** Offsets committed inside a transaction: "the next record to read" per partition. */
export interface TransactionalOffsets {
  groupId: string;
  topic: string;
  partitions: PartitionOffset[];
  /**
   * The member that read the records: with a client that has group fencing (KIP-447) the commit
   * carries its group metadata, and the broker refuses it once the group replaced the member.
   */
  consumer?: KafkaConsumer;
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
  /** Broker-side limit for one transaction; the coordinator aborts it after this (default 30 s). */
  transactionTimeoutMs?: number;
  /** First retry wait of a failed send (default 5 ms; see `start`). */
  initialRetryMs?: number;
  /**
   * The most bytes one send puts on the wire (default: Kafka's default `max.message.bytes`).
   * A larger batch is split into several sends in the same transaction, so no partition's record
   * batch exceeds what the topic accepts; pass the smallest `max.message.bytes` of the topics
   * written (`maxMessageBytes`). A single record must fit on its own.
   */
  maxBatchBytes?: number;
}

const DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * One producer bound to one transactional id. Create it with `start()`, which fences older
 * instances; after any failed transaction, `close()` it and start a new one: a client keeps
 * client-side transaction state that is not safe to reuse once a step has failed.
 */
export class TransactionalProducer {
  private constructor(
    private readonly kafka: KafkaClient,
    private readonly producer: KafkaTransactionalProducer,
    readonly transactionalId: string,
    private readonly transactionTimeoutMs: number,
    private readonly maxBatchBytes: number,
  ) {}

  /**
   * Connects and registers the transactional id with its coordinator (InitProducerId). That
   * bumps the producer epoch, which fences every older producer with this id and completes or
   * aborts its open transaction. Only after this may the caller trust positions it stored in
   * Kafka (committed offsets), because no older instance can still change them.
   */
  static async start(
    kafka: KafkaClient,
    transactionalId: string,
    options: TransactionalProducerOptions = {},
  ): Promise<TransactionalProducer> {
    const transactionTimeoutMs = options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
    const producer = kafka.transactionalProducer({
      transactionalId,
      transactionTimeoutMs,
      // Back-to-back transactions: the first send of the next one often meets
      // CONCURRENT_TRANSACTIONS while the coordinator still writes the last one's markers.
      // kafkajs retries that after its default 300 ms; the markers take a few ms. Start small
      // (the Java client waits 20 ms in this case; 5 ms measured better here, since the wait
      // doubles on each retry and overshoots the markers less).
      initialRetryMs: options.initialRetryMs ?? 5,
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw new TransactionFailedError(kafka.classifyTransactionError(error), { cause: error });
    }
    return new TransactionalProducer(
      kafka,
      producer,
      transactionalId,
      transactionTimeoutMs,
      options.maxBatchBytes ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
    );
  }

  /**
   * Runs `work` inside one transaction and commits it. Never reports success before the commit
   * succeeded. On failure it aborts when it can and throws a `TransactionFailedError`: failure
   * `fenced` (cause: `ProducerFencedError`) when a newer producer took the transactional id,
   * `timed-out` when the coordinator aborted this transaction for running too long.
   */
  async inTransaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    const began = performance.now();
    const tx = await this.producer.begin();
    const classify = (error: unknown) => this.kafka.classifyTransactionError(error);
    try {
      const result = await work({
        send: async (batch) => {
          for (const part of splitByBytes(batch, this.maxBatchBytes)) {
            await retryRetriable(() => tx.send(part), classify);
          }
        },
        // A client may retry CONCURRENT_TRANSACTIONS on produce but not on AddOffsetsToTxn
        // (kafkajs does).
        sendOffsets: async ({ groupId, topic, partitions, consumer }) => {
          await retryRetriable(
            () => tx.sendOffsets(groupId, topic, partitions, consumer),
            classify,
          );
        },
      });
      await tx.commit();
      return result;
    } catch (error) {
      const failure = this.failureOf(error, performance.now() - began);
      if (failure === 'retriable' || failure === 'unknown') {
        if (tx.isActive()) await tx.abort().catch(() => undefined);
      }
      const cause =
        failure === 'fenced'
          ? new ProducerFencedError(this.transactionalId, { cause: error })
          : error;
      throw new TransactionFailedError(failure, { cause });
    }
  }

  /**
   * A transaction that outlives `transaction.timeout.ms` is aborted by its coordinator, which
   * bumps the producer epoch: every later step of this producer then fails exactly as if a newer
   * instance had fenced it. The two differ in what to do (a timed-out instance starts a new
   * producer and carries on; a fenced one has been replaced and must stop), and in one thing the
   * instance can see for itself: the coordinator starts the clock at the transaction's first
   * request, after `began`, so a transaction it timed out has run here for longer than the
   * timeout, and one that was fenced sooner cannot have timed out.
   */
  private failureOf(error: unknown, elapsedMs: number): TransactionFailure {
    const failure = this.kafka.classifyTransactionError(error);
    return failure === 'fenced' && elapsedMs >= this.transactionTimeoutMs ? 'timed-out' : failure;
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}
