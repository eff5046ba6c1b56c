import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Kafka, TopicMessages } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  backoffMs,
  crashPoint,
  delay,
  ensureTopics,
  KAFKA_CLIENT,
  maxMessageBytes,
  TransactionalProducer,
  TransactionFailedError,
} from '#kafka-eos';
import { paymentsConfig } from '../config/payments.config.js';
import { MAX_OUTBOX_MESSAGE_BYTES } from './encode-outbox-message.js';
import { deletePublished, fetchOutboxBatch, type OutboxRow } from './fetch-outbox-batch.js';
import { PaymentsMetrics } from '../metrics/payments-metrics.js';
import { OutboxNotifications } from './outbox-notifications.js';
import { RelayLease } from './relay-lease.js';
import {
  encodePosition,
  readRelayPosition,
  START_POSITION,
  type RelayPosition,
} from './relay-position.js';
import { RelayStallWatch, type RelayStall } from './relay-stall-watch.js';
import { RelayStatus, type RelayState } from './relay-state.js';

export const RELAY_ENABLED = Symbol('RELAY_ENABLED');

/**
 * Publishes outbox rows to Kafka exactly once.
 *
 * Of several instances with one transactional id (API replicas with the relay embedded, or
 * standalone relays), only the holder of the relay's lease (relay-lease.ts) publishes; the others
 * stand by and take over when its session ends. Each Kafka transaction holds one or more batches
 * of rows (see `publishBatch`) and the relay's new position (relay-position.ts). The database is
 * cleaned up only after the commit. After any failure the producer is replaced: starting a
 * producer fences older ones and settles their open transaction, and the position is then re-read
 * from Kafka, so a crash at any instant resumes right after the last committed transaction.
 * docs/failure-walkthrough.md goes through each instant.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly notifications: OutboxNotifications;
  private readonly lease: RelayLease;
  private readonly status: RelayStatus;
  private readonly stall: RelayStallWatch;
  private readonly stopping = new AbortController();
  private producer?: TransactionalProducer;
  private position: RelayPosition = START_POSITION;
  private loop?: Promise<void>;

  constructor(
    @Inject(paymentsConfig.KEY) private readonly config: ConfigType<typeof paymentsConfig>,
    @Inject(RELAY_ENABLED) private readonly enabled: boolean,
    private readonly db: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly metrics: PaymentsMetrics,
  ) {
    this.status = new RelayStatus(metrics.relayState);
    this.notifications = new OutboxNotifications(config.databaseUrl, (error) =>
      this.logger.warn(`outbox LISTEN connection failed: ${String(error)}`),
    );
    this.stall = new RelayStallWatch(db, config.relay.stallThresholdMs, this.logger, metrics);
    this.lease = new RelayLease({
      databaseUrl: config.databaseUrl,
      transactionalId: config.relay.transactionalId,
      retryMs: config.relay.leaseRetryMs,
      timeoutMs: config.relay.leaseTimeoutMs,
      onError: (error) => this.logger.warn(`relay lease connection failed: ${describe(error)}`),
    });
  }

  get state(): RelayState {
    return this.status.state;
  }

  /** The state, and while rows are held back, by what (for the readiness details). */
  report(): { state: RelayState; stall?: RelayStall } {
    const stall = this.stall.current;
    return stall ? { state: this.state, stall } : { state: this.state };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    await this.notifications.open();
    this.loop = this.run();
  }

  /**
   * Resolves when the relay stops: on shutdown, when another instance fenced it, or when it
   * failed for good (`state` says which).
   */
  get finished(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.notifications.close();
    await this.loop;
    await this.discardProducer();
    await this.lease.close();
    if (this.state === 'standby' || this.state === 'active') this.status.to('stopped');
  }

  /** Standby until this instance holds the lease, active while it does; again and again. */
  private async run(): Promise<void> {
    const { transactionalId } = this.config.relay;
    while (!this.stopping.signal.aborted) {
      this.status.to('standby');
      this.logger.log(`relay standing by until it holds the lease of ${transactionalId}`);
      const lost = await this.lease.acquire(this.stopping.signal);
      if (!lost) return;
      this.status.to('active');
      this.logger.log(`relay active: it holds the lease of ${transactionalId} (${this.lease.key})`);
      const wake = (): void => this.notifications.wake();
      lost.addEventListener('abort', wake);
      const ended = await this.publishWhileHeld(lost);
      lost.removeEventListener('abort', wake);
      this.stall.forget();
      await this.discardProducer();
      if (ended === 'failed') {
        this.status.to('failed');
        return;
      }
      if (ended === 'fenced') {
        // The lease is kept: another replica taking it would only take up the fight for a
        // transactional id (and a position) that another deployment is writing too.
        this.status.to('fenced');
        this.logger.error(
          `relay fenced: another instance started a producer with the transactional id ${transactionalId} while this one held the lease (another deployment with the same RELAY_TRANSACTIONAL_ID?); stopping`,
        );
        return;
      }
      if (ended === 'lost') {
        // Publishing has stopped: a lost lease aborts the open transaction before its next send
        // or its commit. Had a standby taken over before this instance noticed, its producer
        // start fenced this one's, so nothing was published twice in between.
        this.logger.warn('relay lost its lease; it stopped publishing and stands by');
      }
    }
  }

  /** Publishes until the lease is lost, the process stops, or another instance fences it. */
  private async publishWhileHeld(
    lost: AbortSignal,
  ): Promise<'lost' | 'fenced' | 'failed' | 'stopped'> {
    const stop = AbortSignal.any([this.stopping.signal, lost]);
    let failures = 0;
    while (!stop.aborted) {
      try {
        if (!this.producer) await this.resume();
        const published = await this.publishBatch(lost);
        failures = 0;
        if (published) {
          this.stall.readRows();
        } else {
          await this.stall.readNothing(this.position);
          await this.notifications.wait(this.config.relay.pollIntervalMs);
        }
      } catch (error) {
        await this.discardProducer();
        if (stop.aborted) break;
        if ((error as { fatal?: unknown }).fatal === true) {
          // E.g. TopicReplicationError: waiting does not cure it, and nothing may be published.
          this.logger.error(`relay cannot publish: ${describe(error)}`);
          return 'failed';
        }
        const failure = error instanceof TransactionFailedError ? error.failure : 'unknown';
        this.metrics.relayTransactions.inc({
          outcome: failure === 'fenced' || failure === 'timed-out' ? failure : 'failed',
        });
        if (failure === 'fenced') {
          // A standby that took the lease this instance lost, unnoticed, fences it too: that
          // one stands by. Only with the lease still held is it another deployment.
          return (await this.lease.check()) ? 'fenced' : 'lost';
        }
        if (failure === 'timed-out') {
          // Nobody replaced this instance: its coordinator aborted the transaction for running
          // past RELAY_TRANSACTION_TIMEOUT_MS and bumped the epoch. A new producer and the
          // position read again carry on from the last commit; there is nothing to wait out.
          this.logger.warn(
            `relay transaction ran past ${this.config.relay.transactionTimeoutMs} ms and its coordinator aborted it; starting a new producer: ${describe(error)}`,
          );
          continue;
        }
        this.logger.warn(`relay batch failed, restarting the producer: ${describe(error)}`);
        await delay(backoffMs(failures++), stop);
      }
    }
    return this.stopping.signal.aborted ? 'stopped' : 'lost';
  }

  /** Fences older relays, then trusts the position they committed. */
  private async resume(): Promise<void> {
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
  private async publishBatch(lost: AbortSignal): Promise<boolean> {
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

  private async discardProducer(): Promise<void> {
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

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(': ') || String(error);
}
