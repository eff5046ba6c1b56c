import type { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { DataSource } from 'typeorm';
import {
  crashPoint,
  ensureTopics,
  maxMessageBytes,
  TransactionalProducer,
  type KafkaClient,
  type TopicMessages,
} from '#kafka-eos';
import type { paymentsConfig } from '../config/payments.config.js';
import type { PaymentsMetrics } from '../metrics/payments-metrics.js';
import { MAX_OUTBOX_MESSAGE_BYTES } from './encode-outbox-message.js';
import { deletePublished, fetchOutboxBatch, type OutboxRow } from './fetch-outbox-batch.js';
import {
  encodePosition,
  readRelayPosition,
  START_POSITION,
  type RelayPosition,
} from './relay-position.js';

/**
 * The Kafka side of the relay: its transactional producer and its position. `resume` fences
 * older relays and reads the position they committed; `publishBatch` is one Kafka transaction.
 * After any failure the relay discards the producer and resumes again.
 */
export class RelayPublisher {
  private producer?: TransactionalProducer;
  /** The position of the last committed transaction (rows up to it are in Kafka). */
  position: RelayPosition = START_POSITION;

  constructor(
    private readonly config: ConfigType<typeof paymentsConfig>,
    private readonly db: DataSource,
    private readonly kafka: KafkaClient,
    private readonly metrics: PaymentsMetrics,
    private readonly logger: Logger,
  ) {}

  /** Whether a producer is started (undefined after a failure, until `resume`). */
  get started(): boolean {
    return this.producer !== undefined;
  }

  /** Fences older relays, then trusts the position they committed. */
  async resume(): Promise<void> {
    const { transactionalId, positionTopic } = this.config.relay;
    const requested = this.config.topics.transferRequested;
    await ensureTopics(
      this.kafka,
      [
        { topic: requested, numPartitions: this.config.topicPartitions, written: true },
        { topic: positionTopic, numPartitions: 1 },
      ],
      this.config.topicReplication,
    );
    // Sends are split to what every topic written accepts; read at each resume, so a changed
    // max.message.bytes is picked up after the next failure or restart.
    const maxBatchBytes = await maxMessageBytes(this.kafka, [requested, positionTopic]);
    if (maxBatchBytes < MAX_OUTBOX_MESSAGE_BYTES) {
      this.logger.warn(
        `topics ${requested}, ${positionTopic} accept records of ${maxBatchBytes} bytes, less than the ${MAX_OUTBOX_MESSAGE_BYTES} the outbox accepts: a record between the two would be refused again and again`,
      );
    }
    this.producer = await TransactionalProducer.start(this.kafka, transactionalId, {
      transactionTimeoutMs: this.config.relay.transactionTimeoutMs,
      maxBatchBytes,
    });
    this.position = await readRelayPosition(this.kafka, transactionalId, positionTopic);
    // Rows up to the position are in Kafka; a crash may have kept them from being deleted.
    await deletePublished(this.db, this.position);
    this.logger.log(`relay resumed after ${this.position.published} published rows`);
  }

  /**
   * One Kafka transaction: batches of rows sent one after another until a batch comes back
   * short or the commit interval has passed, then the position after the last row, then the
   * commit. Each next batch is read while the previous one is being sent. A backlog thus goes
   * out in few transactions (their fixed cost, a few round trips to the coordinator and the
   * commit markers, is paid once per interval); a lone row is committed at once.
   */
  async publishBatch(lost: AbortSignal): Promise<boolean> {
    const producer = this.producer;
    if (!producer) throw new Error('relay producer not started');
    const { batchSize, commitIntervalMs, transactionalId, positionTopic } = this.config.relay;
    const first = await fetchOutboxBatch(this.db, this.position, batchSize);
    if (first.length === 0) return false;
    const started = performance.now();
    let next = this.position;
    await producer.inTransaction(async (tx) => {
      for (let rows = first; rows.length > 0;) {
        // A lost lease ends the transaction before its next step: it aborts, nothing commits.
        lost.throwIfAborted();
        next = after(next, rows);
        const more =
          rows.length === batchSize && performance.now() - started < commitIntervalMs
            ? fetchOutboxBatch(this.db, next, batchSize)
            : undefined;
        // Awaited together, so a failed read is never left unhandled.
        const [, fetched] = await Promise.all([tx.send(toTopicMessages(rows)), more]);
        this.metrics.relayBatchRows.observe(rows.length);
        rows = fetched ?? [];
      }
      lost.throwIfAborted();
      await tx.sendOffsets({
        groupId: transactionalId,
        topic: positionTopic,
        partitions: [{ partition: 0, ...encodePosition(next) }],
      });
      crashPoint('relay.before-kafka-commit');
    });
    this.metrics.relayPublishedRows.inc(Number(next.published - this.position.published));
    this.position = next;
    this.metrics.relayTransactions.inc({ outcome: 'committed' });
    crashPoint('relay.after-kafka-commit');
    await deletePublished(this.db, next);
    return true;
  }

  async discard(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.close();
  }
}

/** The position after `rows`, which follow `position`. */
function after(position: RelayPosition, rows: OutboxRow[]): RelayPosition {
  const last = rows.at(-1);
  if (!last) return position;
  return { xid: last.xid, id: last.id, published: position.published + BigInt(rows.length) };
}

function toTopicMessages(rows: OutboxRow[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const row of rows) {
    const entry = byTopic.get(row.topic) ?? { topic: row.topic, messages: [] };
    entry.messages.push({ key: row.key, value: row.payload, headers: row.headers });
    byTopic.set(row.topic, entry);
  }
  return [...byTopic.values()];
}

/** An error and its causes, in one line. */
export function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(': ') || String(error);
}
