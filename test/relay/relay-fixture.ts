import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventHeaders, type TransferRequestedV1 } from '#contracts';
import { createTestDatabase, freePort, uniqueName, waitFor, type TestDatabase } from '#test-infra';
import { appendToOutbox } from '../../apps/payments/src/outbox/append-to-outbox.js';
import { paymentsDataSourceOptions } from '../../apps/payments/src/persistence/payments-data-source.js';
import { ChildService } from '../support/child-process.js';
import { clientUnderTest } from '../support/client-under-test.js';
import { readCommitted } from '../support/read-topic.js';

export { compareDelivery } from '../support/compare-delivery.js';

export const ACCOUNTS = Array.from({ length: 5 }, () => randomUUID());

/** What a relay logs once it has started its producer and read its position. */
export const RESUMED = 'relay resumed';
/** What a relay logs when it waits for the lease. */
export const STANDING_BY = 'relay standing by';

/**
 * A payments database with its schema, fresh topics, and relays started as real processes.
 * Rows are written to the outbox directly, as the API's transaction would.
 */
export class RelayFixture {
  readonly kafka = new Kafka({
    clientId: 'relay-test',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  /** The product's Kafka client port, for the product code a test calls. */
  readonly client = clientUnderTest(undefined, { clientId: 'relay-test' });
  readonly topic = uniqueName('transfers-requested');
  readonly transactionalId = uniqueName('relay');
  readonly positionTopic = uniqueName('relay-position');
  readonly written: string[] = [];
  private readonly relays: ChildService[] = [];

  private constructor(
    readonly db: TestDatabase,
    readonly dataSource: DataSource,
  ) {}

  static async create(label: string): Promise<RelayFixture> {
    const db = await createTestDatabase(label);
    const dataSource = new DataSource(paymentsDataSourceOptions(db.url, 4));
    await dataSource.initialize();
    return new RelayFixture(db, dataSource);
  }

  startRelay(env: Record<string, string> = {}): ChildService {
    const relay = ChildService.start('relay', 'apps/payments/src/relay.main.js', {
      DATABASE_URL: this.db.url,
      PORT: '0',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      API_KEYS: 'relay-test:unused-by-the-relay-0000',
      TOPIC_TRANSFER_REQUESTED: this.topic,
      TOPIC_PARTITIONS: '3',
      RELAY_TRANSACTIONAL_ID: this.transactionalId,
      RELAY_POSITION_TOPIC: this.positionTopic,
      RELAY_POLL_INTERVAL_MS: '200',
      ...env,
    });
    this.relays.push(relay);
    return relay;
  }

  /**
   * Starts a relay with its HTTP port (health, metrics) and waits until it serves and has
   * resumed (holds the lease, producer started, position read), so that a crash or pause point
   * is reached only by rows written after this returns; with `standby`, until it serves and
   * stands by.
   */
  async startServingRelay(
    env: Record<string, string> = {},
    { standby = false } = {},
  ): Promise<{ relay: ChildService; url: string }> {
    const port = await freePort();
    const relay = this.startRelay({ PORT: String(port), ...env });
    const url = `http://127.0.0.1:${port}`;
    const awaited = standby ? STANDING_BY : RESUMED;
    const outcome = await waitFor(
      async () => {
        if (!relay.running) return 'exited';
        const live = (await fetch(`${url}/health/live`)).status === 200;
        return live && relay.log.includes(awaited) && 'serving';
      },
      { description: `the relay serving HTTP and "${awaited}"`, timeoutMs: 30_000 },
    );
    if (outcome === 'exited') throw new Error(`relay exited:\n${relay.log}`);
    return { relay, url };
  }

  /** Writes `count` events, `perTransaction` to a database transaction, like accepted transfers. */
  async writeEvents(count: number, perTransaction = 10): Promise<void> {
    for (let done = 0; done < count; done += perTransaction) {
      await this.dataSource.transaction(async (tx) => {
        for (let i = done; i < Math.min(count, done + perTransaction); i++) {
          await appendToOutbox(tx, this.event(ACCOUNTS[i % ACCOUNTS.length] ?? ''));
        }
      });
    }
  }

  event(debitAccountId: string): Parameters<typeof appendToOutbox>[1] {
    const id = randomUUID();
    this.written.push(id);
    const payload: TransferRequestedV1 = {
      type: 'TransferRequested',
      version: 1,
      eventId: id,
      transferId: id,
      debitAccountId,
      creditAccountId: randomUUID(),
      amount: '100',
      currency: 'EUR',
      requestedAt: new Date().toISOString(),
    };
    return {
      eventId: id,
      topic: this.topic,
      key: debitAccountId,
      payload,
      headers: { [EventHeaders.eventId]: id, [EventHeaders.eventType]: 'TransferRequested' },
    };
  }

  async outboxCount(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: number }>>(
      `select count(*)::int as n from outbox`,
    );
    return row?.n ?? -1;
  }

  /** On timeout, the error carries the last lines of every relay's log. */
  async waitForOutboxEmpty(timeoutMs = 60_000): Promise<void> {
    try {
      await waitFor(async () => (await this.outboxCount()) === 0, {
        description: 'an empty outbox',
        timeoutMs,
      });
    } catch (error) {
      const tails = this.relays.map((r) => r.log.split('\n').slice(-15).join('\n'));
      throw new Error(`outbox not emptied; relay logs:\n${tails.join('\n---\n')}`, {
        cause: error,
      });
    }
  }

  /** Event ids on the topic, read with read_committed (or read_uncommitted), in offset order per partition. */
  async publishedIds(options: { readUncommitted?: boolean } = {}): Promise<string[]> {
    const records = await readCommitted(this.kafka, this.topic, options);
    return records.map(
      (r) => r.headers[EventHeaders.eventId] ?? `missing-header@${r.partition}:${r.offset}`,
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.relays.map((r) => r.stop()));
    await this.dataSource.destroy();
    await this.db.drop();
  }
}
