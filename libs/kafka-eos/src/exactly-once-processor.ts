import type {
  Admin,
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Producer,
  TopicMessages,
} from 'kafkajs';
import { backoffMs, delay } from './backoff.js';
import { splitByBytes } from './batch-bytes.js';
import { fetchCommittedOffset } from './committed-offset.js';
import { crashPoint } from './crash-point.js';
import { toDeadLetter, type DeadLetterFailure } from './dead-letter.js';
import { dependencyOutage } from './dependency-errors.js';
import { maxMessageBytes } from './ensure-topics.js';
import {
  createPlainProducer,
  plainProducerAcks,
  type DeliveryGuarantee,
} from './delivery-guarantee.js';
import type { EosLogger } from './kafka-factory.js';
import type { InputRecord, OutputRecord } from './records.js';
import { TransactionalProducer, TransactionFailedError } from './transactional-producer.js';

export type RecordHandler = (
  record: InputRecord,
  context: { attempt: number },
) => Promise<OutputRecord[]>;

/**
 * Handles all records of one fetched batch at once, e.g. in one database transaction (one commit
 * instead of one per record); returns each record's outputs, in the records' order.
 */
export type BatchHandler = (records: InputRecord[]) => Promise<OutputRecord[][]>;

export interface ExactlyOnceProcessorOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  handler: RecordHandler;
  /**
   * Optional fast path: a batch goes to this first, in chunks. If a call throws (a poison record,
   * a database error), nothing of its chunk may have been kept, and that chunk is handled record
   * by record with `handler`, with its retries and dead letters.
   */
  batchHandler?: BatchHandler;
  /** Records per batch handler call (default 200); the processor heartbeats between calls. */
  batchHandlerMaxRecords?: number;
  deadLetterTopic: string;
  /**
   * Outputs answering a record that goes to the dead-letter topic, produced in the same
   * transaction: e.g. a rejection, so that the request the record carried still ends instead of
   * waiting for ever. Outages it meets are waited out; any other error leaves the dead letter
   * unanswered (logged as an error and counted).
   */
  answerDeadLetter?: (record: InputRecord, failure: DeadLetterFailure) => Promise<OutputRecord[]>;
  /** Topics the handlers write to besides the dead-letter topic: their size limits bound each send. */
  outputTopics?: string[];
  logger: EosLogger;
  /** Told about each batch and transaction, for metrics. */
  observer?: ProcessorObserver;
  /** What a crash may lose or duplicate, and what it costs (default 'exactly-once'). */
  guarantee?: DeliveryGuarantee;
  /** Transactional ids are `<prefix>.<topic>.<partition>`; defaults to the group id. */
  transactionalIdPrefix?: string;
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

/** What this instance knows about a partition it owns. */
interface PartitionState {
  /** Exactly-once only: started (so older owners are fenced) for this assignment. */
  producer?: TransactionalProducer;
  /** The next offset to process: committed by this instance, or read after fencing. */
  nextOffset: bigint;
}

/**
 * Consume-transform-produce, exactly once, on kafkajs.
 *
 * Reads with read_committed and never auto-commits. Each fetched batch of a partition becomes
 * one Kafka transaction: the handler's outputs (and dead letters) plus the partition's next
 * offset, sent with `sendOffsets`. kafkajs sends no consumer-group metadata with that commit
 * (no KIP-447), so a zombie that lost the partition could still commit; fencing comes from one
 * transactional producer per input partition with a stable id: a new owner starts that producer
 * before it trusts the committed offset, which fences the old owner and settles its open
 * transaction. After a failed or uncertain commit the producer is discarded, the partition is
 * rewound to the last committed offset, and the batch is processed again.
 *
 * With `guarantee` 'at-least-once' or 'at-most-once' the same loop runs with a plain producer and
 * `commitOffsets` after or before the batch instead (see `DeliveryGuarantee`), so the three can
 * be compared under the same faults.
 */
export class ExactlyOnceProcessor {
  private consumer!: Consumer;
  private admin!: Admin;
  /** The producer shared by all partitions unless the guarantee is exactly-once. */
  private plainProducer?: Producer;
  private readonly partitions = new Map<number, PartitionState>();
  private readonly attemptsByOffset = new Map<string, number>();
  private readonly maxAttempts: number;
  private readonly guarantee: DeliveryGuarantee;
  /** The most bytes one send may carry: the smallest `max.message.bytes` of the output topics. */
  private maxBatchBytes = 0;
  private readonly stopping = new AbortController();
  private starting?: Promise<void>;
  /**
   * `starting` until Kafka answered and the consumer runs; `failed` when start-up met an error
   * that waiting does not cure; `stopped` after `stop()`.
   */
  state: 'starting' | 'running' | 'failed' | 'stopped' = 'starting';

  constructor(private readonly options: ExactlyOnceProcessorOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.guarantee = options.guarantee ?? 'exactly-once';
    this.createClients();
  }

  /** Fresh kafkajs clients: a start that failed half-way is retried with new ones. */
  private createClients(): void {
    const { kafka } = this.options;
    this.plainProducer =
      this.guarantee === 'exactly-once' ? undefined : createPlainProducer(kafka, this.guarantee);
    this.admin = kafka.admin();
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    this.consumer = kafka.consumer({
      groupId: this.options.groupId,
      readUncommitted: false,
      sessionTimeout,
      // kafkajs heartbeats on the connection its long-polling fetches hold: keep the fetch wait
      // well under the session timeout, or an idle instance can miss its session.
      maxWaitTimeInMs: Math.min(1_000, Math.floor(sessionTimeout / 6)),
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
    });
  }

  /** Connects and starts consuming; throws when Kafka does not answer (see `startInBackground`). */
  async start(): Promise<void> {
    const { kafka, deadLetterTopic, outputTopics = [] } = this.options;
    this.maxBatchBytes = await maxMessageBytes(kafka, [deadLetterTopic, ...outputTopics]);
    await this.admin.connect();
    await this.plainProducer?.connect();
    await this.consumer.connect();
    // Every (re)join may hand a partition to a new owner and back: forget what we knew.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.forgetPartitions());
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
    this.state = 'running';
  }

  /**
   * Starts without waiting for Kafka: `prepare` (e.g. creating the topics) and `start` are tried
   * again with backoff until they succeed or `stop()` is called, so a service whose other work
   * needs no Kafka (an HTTP API, say) starts and serves while Kafka is away. An error marked
   * `fatal` (e.g. a `TopicReplicationError`) is not retried: `onFatal` hears of it.
   */
  startInBackground(
    prepare: () => Promise<void> = async () => undefined,
    onFatal: (error: Error) => void = () => undefined,
  ): void {
    const { logger } = this.options;
    this.starting = (async () => {
      for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
        try {
          await prepare();
          await this.start();
          if (attempt > 0) logger.log(`consuming ${this.options.topic} after ${attempt} retries`);
          return;
        } catch (error) {
          await this.disconnect();
          if (error instanceof Error && (error as { fatal?: unknown }).fatal === true) {
            logger.error(`cannot consume ${this.options.topic}: ${error.message}`);
            this.state = 'failed';
            onFatal(error);
            return;
          }
          logger.warn(`cannot start consuming ${this.options.topic} yet; retrying`, {
            error: String(error),
          });
          this.createClients();
          await delay(backoffMs(attempt, 500, 10_000), this.stopping.signal);
        }
      }
    })();
  }

  /** Stops after the batch in progress: its transaction commits, or it is not begun. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.starting;
    await this.disconnect();
    this.state = 'stopped';
  }

  private async disconnect(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    this.forgetPartitions();
    await this.plainProducer?.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  private transactionalId(partition: number): string {
    return `${this.options.transactionalIdPrefix ?? this.options.groupId}.${this.options.topic}.${partition}`;
  }

  private forgetPartitions(): void {
    for (const state of this.partitions.values()) void state.producer?.close();
    this.partitions.clear();
  }

  /** Fences the partition's previous owner (exactly-once only), then reads its committed offset. */
  private async claim(partition: number): Promise<PartitionState> {
    const known = this.partitions.get(partition);
    if (known) return known;
    crashPoint('eos.before-claim');
    const producer =
      this.guarantee === 'exactly-once'
        ? await TransactionalProducer.start(this.options.kafka, this.transactionalId(partition), {
            transactionTimeoutMs: this.options.transactionTimeoutMs,
            maxBatchBytes: this.maxBatchBytes,
          })
        : undefined;
    const committed = await fetchCommittedOffset(
      this.admin,
      this.options.groupId,
      this.options.topic,
      partition,
    );
    const state = { producer, nextOffset: committed ?? 0n };
    this.partitions.set(partition, state);
    this.options.logger.log(
      `claimed ${this.options.topic}[${partition}] at offset ${state.nextOffset}`,
    );
    return state;
  }

  private async processBatch({
    batch,
    heartbeat,
    isRunning,
    isStale,
    resolveOffset,
  }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    const state = await this.claim(partition).catch((error: unknown) => {
      // Broker unavailable or coordinator moving: nothing was processed; kafkajs fetches the
      // batch again since no offset was resolved.
      this.options.logger.warn(`cannot claim ${batch.topic}[${partition}] yet`, {
        error: String(error),
      });
      return delay(backoffMs(2)).then(() => undefined);
    });
    if (!state) return;
    // Records before nextOffset were committed already (a fetch that began before we fenced).
    const messages = batch.messages.filter((m) => BigInt(m.offset) >= state.nextOffset);
    const last = messages.at(-1);
    if (!last) {
      // All of it was: kafkajs fetches from the offset it last resolved, which lags behind when a
      // commit succeeded but was reported failed, or the previous owner committed between our
      // join and our fence. Left alone, it would fetch this same batch for ever.
      this.options.logger.warn(
        `batch of ${batch.topic}[${partition}] ends before the committed offset; moving to ${state.nextOffset}`,
      );
      this.consumer.seek({ topic: batch.topic, partition, offset: state.nextOffset.toString() });
      return;
    }
    this.options.observer?.batch?.(partition, messages.length, Number(batch.offsetLag()));
    // Past trailing control records too, so a drained partition's committed offset is its end.
    const next =
      last === batch.messages.at(-1) ? BigInt(batch.lastOffset()) + 1n : BigInt(last.offset) + 1n;
    if (this.guarantee === 'at-most-once') {
      // Committed before anything is handled: a crash from here on loses the rest of the batch.
      if (!(await this.commitOffsets(state, partition, next))) return;
      state.nextOffset = next;
    }

    const records = messages.map((m) => toInputRecord(batch.topic, partition, m));
    const handledTogether = await this.handleTogether(records, heartbeat, isRunning);
    const outputs: OutputRecord[] = [];
    for (const [index, record] of records.entries()) {
      if (!isRunning() || isStale()) return; // shutting down or rewound: nothing was committed
      const produced =
        handledTogether?.[index] ?? (await this.handle(record, heartbeat, isRunning));
      if (!produced) return; // shutting down in the middle of a retry
      if (this.guarantee === 'exactly-once') outputs.push(...produced);
      else if (!(await this.sendNow(state, partition, produced))) return;
      // After each record's outputs are sent (or queued for the transaction): the same instant
      // under every guarantee, for tests that compare them.
      crashPoint('eos.after-record');
      await heartbeat();
    }
    if (this.guarantee === 'exactly-once') {
      if (!(await this.commit(state, partition, outputs, next))) return;
    } else if (this.guarantee === 'at-least-once') {
      if (!(await this.commitOffsets(state, partition, next))) return;
    }
    state.nextOffset = next;
    for (const m of messages) this.attemptsByOffset.delete(`${partition}:${m.offset}`);
    resolveOffset(last.offset);
    await heartbeat();
  }

  /**
   * Not exactly-once: one record's outputs, sent and awaited with the guarantee's acks. A failed
   * send is dropped under at-most-once; under at-least-once the partition is rewound to its last
   * committed offset, so the batch (and the outputs it already sent) comes again.
   */
  private async sendNow(
    state: PartitionState,
    partition: number,
    outputs: OutputRecord[],
  ): Promise<boolean> {
    if (outputs.length === 0 || !this.plainProducer || this.guarantee === 'exactly-once')
      return true;
    try {
      for (const topicMessages of splitByBytes(groupByTopic(outputs), this.maxBatchBytes)) {
        await this.plainProducer.sendBatch({
          topicMessages,
          acks: plainProducerAcks(this.guarantee),
        });
      }
      return true;
    } catch (error) {
      if (this.guarantee === 'at-most-once') {
        this.options.logger.warn(`dropped outputs of ${this.options.topic}[${partition}]`, {
          error: String(error),
        });
        return true;
      }
      await this.rewind(state, partition, 'send', error);
      return false;
    }
  }

  /** Not exactly-once: the partition's next offset, with the consumer's own commit. */
  private async commitOffsets(
    state: PartitionState,
    partition: number,
    next: bigint,
  ): Promise<boolean> {
    const { topic } = this.options;
    try {
      crashPoint('eos.before-commit');
      await this.consumer.commitOffsets([{ topic, partition, offset: next.toString() }]);
      crashPoint('eos.after-commit');
      return true;
    } catch (error) {
      await this.rewind(state, partition, 'offset commit', error);
      return false;
    }
  }

  private async rewind(
    state: PartitionState,
    partition: number,
    what: string,
    error: unknown,
  ): Promise<void> {
    const { topic } = this.options;
    this.partitions.delete(partition);
    this.options.logger.warn(
      `${what} for ${topic}[${partition}] failed; rewinding to ${state.nextOffset}`,
      { error: String(error) },
    );
    await delay(backoffMs(1));
    this.consumer.seek({ topic, partition, offset: state.nextOffset.toString() });
  }

  /** One transaction: outputs + the partition's next offset. False when it did not commit. */
  private async commit(
    state: PartitionState,
    partition: number,
    outputs: OutputRecord[],
    next: bigint,
  ): Promise<boolean> {
    const { groupId, topic } = this.options;
    if (!state.producer) throw new Error('exactly-once partition state without its producer');
    try {
      await state.producer.inTransaction(async (tx) => {
        if (outputs.length > 0) await tx.send(groupByTopic(outputs));
        await tx.sendOffsets({
          groupId,
          topic,
          partitions: [{ partition, offset: next.toString() }],
        });
        crashPoint('eos.before-commit');
      });
      crashPoint('eos.after-commit');
      this.options.observer?.transaction?.('committed');
      return true;
    } catch (error) {
      this.partitions.delete(partition);
      await state.producer.close();
      const failure = error instanceof TransactionFailedError ? error.failure : 'unknown';
      if (failure === 'fenced') {
        // The next batch of this partition, if it is still ours, claims it again; if another
        // instance owns it, the group tells this one at its next heartbeat.
        this.options.observer?.transaction?.('fenced');
        this.options.logger.warn(
          `partition ${topic}[${partition}] was taken over by another instance (fenced)`,
        );
        return false;
      }
      this.options.observer?.transaction?.(failure === 'timed-out' ? 'timed-out' : 'failed');
      this.options.logger.warn(
        failure === 'timed-out'
          ? `transaction for ${topic}[${partition}] ran past its timeout and was aborted; rewinding to ${state.nextOffset} with a new producer`
          : `transaction for ${topic}[${partition}] failed; rewinding to ${state.nextOffset}`,
        { error: String(error) },
      );
      await delay(backoffMs(1));
      this.consumer.seek({ topic, partition, offset: state.nextOffset.toString() });
      return false;
    }
  }

  /**
   * The batch handler's outputs for each record, in chunks of `batchHandlerMaxRecords` (a long
   * fetch would otherwise be one long database transaction, with no heartbeat until it ends).
   * An outage is waited out, chunk by chunk. A chunk that fails otherwise leaves its records
   * undefined: they are handled one by one, which finds the record at fault.
   */
  private async handleTogether(
    records: InputRecord[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<Array<OutputRecord[] | undefined> | undefined> {
    const { batchHandler, logger } = this.options;
    if (!batchHandler || records.length < 2) return undefined;
    const size = this.options.batchHandlerMaxRecords ?? 200;
    const outputs: Array<OutputRecord[] | undefined> = [];
    for (let start = 0; start < records.length; start += size) {
      const chunk = records.slice(start, start + size);
      const where = `${chunk.length} records from ${chunk[0]?.topic}[${chunk[0]?.partition}]`;
      for (let wait = 0; ; wait++) {
        try {
          const answer = await batchHandler(chunk);
          if (answer.length !== chunk.length)
            throw new Error(`batch handler answered ${answer.length} of ${chunk.length} records`);
          outputs.push(...answer);
          break;
        } catch (error) {
          const outage = waitsOut(error);
          if (outage && isRunning()) {
            logger.warn(`${where}: ${outage}; waiting it out`, { error: String(error) });
            await delay(backoffMs(wait, 100, 2_000));
            await heartbeat();
            continue;
          }
          logger.warn(`${where} failed together; handling them one by one`, {
            error: String(error),
          });
          outputs.push(...chunk.map(() => undefined));
          break;
        }
      }
      await heartbeat();
    }
    return outputs;
  }

  /**
   * The handler's outputs for one record. Outages (an unavailable database, or an error the
   * handler marks `retriable`) are waited out for as long as they last, without counting as
   * attempts; a poison record (an error marked `retriable: false`, or `maxAttempts` other
   * failures) becomes a dead letter, answered if the application can, so the partition moves on
   * and nothing is dropped silently.
   */
  private async handle(
    record: InputRecord,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<OutputRecord[] | undefined> {
    const key = `${record.partition}:${record.offset}`;
    for (let wait = 0; ; wait++) {
      const attempt = (this.attemptsByOffset.get(key) ?? 0) + 1;
      try {
        return await this.options.handler(record, { attempt });
      } catch (error) {
        const outage = waitsOut(error);
        if (!outage) this.attemptsByOffset.set(key, attempt);
        const poison = !outage && (error as { retriable?: unknown }).retriable === false;
        if (poison || (!outage && attempt >= this.maxAttempts)) {
          return this.deadLetter(
            record,
            { error, attempts: attempt, poison },
            heartbeat,
            isRunning,
          );
        }
        if (!isRunning()) return undefined;
        this.options.logger.warn(
          outage
            ? `record ${record.topic}[${key}]: ${outage}; waiting it out`
            : `record ${record.topic}[${key}] failed (attempt ${attempt}); retrying`,
          { error: String(error) },
        );
        await delay(backoffMs(wait, 100, 2_000));
        await heartbeat();
      }
    }
  }

  /**
   * The dead letter of a record that cannot be handled, and the application's answer to it, for
   * the same transaction. Undefined only when shutting down while the answer waits out an outage.
   */
  private async deadLetter(
    record: InputRecord,
    failure: DeadLetterFailure,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<OutputRecord[] | undefined> {
    const { answerDeadLetter, deadLetterTopic, logger, observer } = this.options;
    const where = `${record.topic}[${record.partition}:${record.offset}]`;
    let answer: OutputRecord[] = [];
    for (let wait = 0; answerDeadLetter; wait++) {
      try {
        answer = await answerDeadLetter(record, failure);
        break;
      } catch (error) {
        const outage = waitsOut(error);
        if (!outage) {
          logger.error(`cannot answer the dead letter of ${where}`, { error: String(error) });
          break;
        }
        if (!isRunning()) return undefined;
        logger.warn(`answering the dead letter of ${where}: ${outage}; waiting it out`);
        await delay(backoffMs(wait, 100, 2_000));
        await heartbeat();
      }
    }
    const answered = answer.length > 0;
    observer?.deadLetter?.(answered);
    logger.error(`record ${where} goes to the dead-letter topic${answered ? ', answered' : ''}`, {
      error: String(failure.error),
      attempts: failure.attempts,
      answered,
    });
    return [
      toDeadLetter(record, deadLetterTopic, { ...failure, answered }, this.maxBatchBytes),
      ...answer,
    ];
  }
}

/** Why an error is to be waited out (an outage, or marked `retriable`), or undefined. */
function waitsOut(error: unknown): string | undefined {
  const outage = dependencyOutage(error);
  if (outage) return outage;
  return (error as { retriable?: unknown } | undefined)?.retriable === true
    ? 'retriable error'
    : undefined;
}

function toInputRecord(topic: string, partition: number, message: KafkaMessage): InputRecord {
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

function groupByTopic(records: OutputRecord[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const r of records) {
    const entry = byTopic.get(r.topic) ?? { topic: r.topic, messages: [] };
    entry.messages.push({ key: r.key ?? null, value: r.value, headers: r.headers });
    byTopic.set(r.topic, entry);
  }
  return [...byTopic.values()];
}
