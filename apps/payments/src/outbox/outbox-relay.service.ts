import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import {
  backoffMs,
  delay,
  KAFKA_CLIENT,
  type KafkaClient,
  TransactionFailedError,
} from '#kafka-eos';
import { paymentsConfig } from '../config/payments.config.js';
import { PaymentsMetrics } from '../metrics/payments-metrics.js';
import { OutboxNotifications } from './outbox-notifications.js';
import { RelayLease } from './relay-lease.js';
import { describe, RelayPublisher } from './relay-publisher.js';
import { RelayStallWatch, type RelayStall } from './relay-stall-watch.js';
import { RelayStatus, type RelayState } from './relay-state.js';

export const RELAY_ENABLED = Symbol('RELAY_ENABLED');

/**
 * Publishes outbox rows to Kafka exactly once.
 *
 * Of several instances with one transactional id (API replicas with the relay embedded, or
 * standalone relays), only the holder of the relay's lease (relay-lease.ts) publishes; the others
 * stand by and take over when its session ends. Each Kafka transaction holds one or more batches
 * of rows and the relay's new position (relay-publisher.ts, relay-position.ts). The database is
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
  private readonly publisher: RelayPublisher;
  private loop?: Promise<void>;

  constructor(
    @Inject(paymentsConfig.KEY) private readonly config: ConfigType<typeof paymentsConfig>,
    @Inject(RELAY_ENABLED) private readonly enabled: boolean,
    private readonly db: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    private readonly metrics: PaymentsMetrics,
  ) {
    this.status = new RelayStatus(metrics.relayState);
    this.notifications = new OutboxNotifications(config.databaseUrl, (error) =>
      this.logger.warn(`outbox LISTEN connection failed: ${String(error)}`),
    );
    this.stall = new RelayStallWatch(db, config.relay.stallThresholdMs, this.logger, metrics);
    this.publisher = new RelayPublisher(config, db, kafka, metrics, this.logger);
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
    await this.publisher.discard();
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
      await this.publisher.discard();
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
        if (!this.publisher.started) await this.publisher.resume();
        const published = await this.publisher.publishBatch(lost);
        failures = 0;
        if (published) {
          this.stall.readRows();
        } else {
          await this.stall.readNothing(this.publisher.position);
          await this.notifications.wait(this.config.relay.pollIntervalMs);
        }
      } catch (error) {
        await this.publisher.discard();
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
}
