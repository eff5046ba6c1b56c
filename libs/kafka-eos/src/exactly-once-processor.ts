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
import { fetchCommittedOffset } from './committed-offset.js';
import { crashPoint } from './crash-point.js';
import { toDeadLetter } from './dead-letter.js';
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
}

/** Hooks for metrics; the processor itself depends on no metrics library. */
export interface ProcessorObserver {
  /** A fetched batch of `records` data records; `lag` = records behind the partition's end. */
  batch?(partition: number, records: number, lag: number): void;
  transaction?(outcome: 'committed' | 'failed' | 'fenced'): void;
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
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly partitions = new Map<number, PartitionState>();
  private readonly attemptsByOffset = new Map<string, number>();
  private readonly maxAttempts: number;
  private readonly guarantee: DeliveryGuarantee;
  /** The producer shared by all partitions unless the guarantee is exactly-once. */
  private readonly plainProducer?: Producer;

  constructor(private readonly options: ExactlyOnceProcessorOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.guarantee = options.guarantee ?? 'exactly-once';
    if (this.guarantee !== 'exactly-once')
      this.plainProducer = createPlainProducer(options.kafka, this.guarantee);
    this.admin = options.kafka.admin();
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      sessionTimeout,
      // kafkajs heartbeats on the connection its long-polling fetches hold: keep the fetch wait
      // well under the session timeout, or an idle instance can miss its session.
      maxWaitTimeInMs: Math.min(1_000, Math.floor(sessionTimeout / 6)),
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
    });
  }

  async start(): Promise<void> {
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
  }

  /** Stops after the batch in progress: its transaction commits, or it is not begun. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    this.forgetPartitions();
    await this.plainProducer?.disconnect();
    await this.admin.disconnect();
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
    const producer =
      this.guarantee === 'exactly-once'
        ? await TransactionalProducer.start(this.options.kafka, this.transactionalId(partition))
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
    if (!last) return;
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
    const handledTogether = await this.handleTogether(records, heartbeat);
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
      await this.plainProducer.sendBatch({
        topicMessages: groupByTopic(outputs),
        acks: plainProducerAcks(this.guarantee),
      });
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
      const fenced = error instanceof TransactionFailedError && error.failure === 'fenced';
      this.options.observer?.transaction?.(fenced ? 'fenced' : 'failed');
      if (fenced) {
        this.options.logger.warn(
          `partition ${topic}[${partition}] was taken over by another instance (fenced)`,
        );
        return false;
      }
      this.options.logger.warn(
        `transaction for ${topic}[${partition}] failed; rewinding to ${state.nextOffset}`,
        {
          error: String(error),
        },
      );
      await delay(backoffMs(1));
      this.consumer.seek({ topic, partition, offset: state.nextOffset.toString() });
      return false;
    }
  }

  /**
   * The batch handler's outputs for each record, in chunks of `batchHandlerMaxRecords` (a long
   * fetch would otherwise be one long database transaction, with no heartbeat until it ends).
   * A chunk that fails leaves its records undefined: they are handled one by one.
   */
  private async handleTogether(
    records: InputRecord[],
    heartbeat: () => Promise<void>,
  ): Promise<Array<OutputRecord[] | undefined> | undefined> {
    const { batchHandler, logger } = this.options;
    if (!batchHandler || records.length < 2) return undefined;
    const size = this.options.batchHandlerMaxRecords ?? 200;
    const outputs: Array<OutputRecord[] | undefined> = [];
    for (let start = 0; start < records.length; start += size) {
      const chunk = records.slice(start, start + size);
      try {
        const answer = await batchHandler(chunk);
        if (answer.length !== chunk.length)
          throw new Error(`batch handler answered ${answer.length} of ${chunk.length} records`);
        outputs.push(...answer);
      } catch (error) {
        logger.warn(
          `${chunk.length} records from ${chunk[0]?.topic}[${chunk[0]?.partition}] failed together; handling them one by one`,
          { error: String(error) },
        );
        outputs.push(...chunk.map(() => undefined));
      }
      await heartbeat();
    }
    return outputs;
  }

  /**
   * The handler's outputs for one record. Unavailable dependencies are waited out; a poison record
   * (non-retriable error, or `maxAttempts` failures) becomes a dead letter, so the partition moves on
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
        const retriable = (error as { retriable?: boolean }).retriable;
        if (retriable !== true) this.attemptsByOffset.set(key, attempt);
        if (retriable === false || attempt >= this.maxAttempts) {
          this.options.logger.error(
            `record ${record.topic}[${key}] goes to the dead-letter topic`,
            {
              error: String(error),
              attempts: attempt,
            },
          );
          return [toDeadLetter(record, this.options.deadLetterTopic, error, attempt)];
        }
        if (!isRunning()) return undefined;
        this.options.logger.warn(
          `record ${record.topic}[${key}] failed (attempt ${attempt}); retrying`,
          {
            error: String(error),
          },
        );
        await delay(backoffMs(wait, 100, 2_000));
        await heartbeat();
      }
    }
  }
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
