import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import {
  EventHeaders,
  type CurrencyCode,
  type TransferRequestedV1,
  type TransferResultV1,
} from '#contracts';
import { ensureTopics } from '#kafka-eos';
import { createTestDatabase, freePort, uniqueName, waitFor, type TestDatabase } from '#test-infra';
import { ChildService } from '../support/child-process.js';
import { clientUnderTest, libraryUnderTest } from '../support/client-under-test.js';
import { fundInLedger } from '../support/fund-in-ledger.js';
import { LEDGER_TEST_TOKEN, ledgerAuthorization } from '../support/service-credentials.js';
import { ledgerInvariants, type LedgerInvariants } from '../support/ledger-invariants.js';
import { readCommitted, type ReadRecord } from '../support/read-topic.js';

export interface LedgerInstance {
  process: ChildService;
  url: string;
}

/**
 * A ledger database, fresh topics, and ledger instances as real processes. Transfers are
 * produced to the input topic the way the payments relay produces them.
 */
export class LedgerFixture {
  readonly kafka = new Kafka({
    clientId: 'ledger-test',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  /** The product's Kafka client port, for the product code a test calls. */
  readonly client = clientUnderTest(undefined, { clientId: 'ledger-test' });
  readonly requested = uniqueName('requested');
  readonly results = uniqueName('results');
  readonly deadLetter = uniqueName('requested-dlq');
  readonly group = uniqueName('ledger');
  readonly sent: TransferRequestedV1[] = [];
  readonly instances: LedgerInstance[] = [];
  private readonly sql: pg.Pool;

  private constructor(readonly db: TestDatabase) {
    this.sql = new pg.Pool({ connectionString: db.url, max: 2 });
  }

  static async create(label: string): Promise<LedgerFixture> {
    const fx = new LedgerFixture(await createTestDatabase(label));
    await ensureTopics(fx.client, [
      { topic: fx.requested, numPartitions: 3 },
      { topic: fx.results, numPartitions: 3 },
      { topic: fx.deadLetter, numPartitions: 1 },
    ]);
    return fx;
  }

  /** Starts a ledger process and waits until its HTTP API answers. */
  async startLedger(env: Record<string, string> = {}): Promise<LedgerInstance> {
    const port = await freePort();
    const process_ = ChildService.start('ledger', 'apps/ledger/src/main.js', {
      PORT: String(port),
      MANAGEMENT_PORT: String(await freePort()),
      DATABASE_URL: this.db.url,
      LEDGER_API_TOKEN: LEDGER_TEST_TOKEN,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      TOPIC_TRANSFER_REQUESTED: this.requested,
      TOPIC_TRANSFER_RESULTS: this.results,
      TOPIC_DEAD_LETTER: this.deadLetter,
      TOPIC_PARTITIONS: '3',
      CONSUMER_GROUP: this.group,
      // Short sessions: a killed or frozen instance's partitions move on quickly.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // Under confluent (one transactional producer per instance, KIP-447) a killed or frozen
      // instance's open transaction holds its partitions' offsets until the coordinator aborts
      // it at its timeout, and a successor under another id waits for that: 10 s, not 30 s.
      // (Not under kafkajs: the successor fences the per-partition ids at once, and a zombie
      // frozen past its timeout would be reported as timed out rather than fenced.)
      ...(libraryUnderTest() === 'confluent' ? { KAFKA_TRANSACTION_TIMEOUT_MS: '10000' } : {}),
      ...env,
    });
    const instance = { process: process_, url: `http://127.0.0.1:${port}` };
    this.instances.push(instance);
    await waitFor(
      async () => {
        // With a crash or pause point, the batches before it can go by before HTTP answers: the
        // exit (or the freeze) is then the expected outcome, and the caller checks it.
        if (!process_.running && env.EOS_CRASH_AT) return true;
        if (env.EOS_PAUSE_AT && process_.log.includes('SIGSTOP')) return true;
        if (!process_.running) throw new Error(`ledger exited:\n${process_.log}`);
        const response = await fetch(
          `${instance.url}/accounts/00000000-0000-4000-8000-000000000000`,
          // A process frozen while a request is in flight never answers it.
          { headers: ledgerAuthorization, signal: AbortSignal.timeout(2_000) },
        );
        return response.status === 404;
      },
      { description: 'the ledger HTTP API', timeoutMs: 30_000 },
    );
    return instance;
  }

  /** Opens an account through the ledger's internal API and, with `fund`, funds it. */
  async openAccount(instance: LedgerInstance, currency = 'EUR', fund?: bigint): Promise<string> {
    const id = randomUUID();
    const response = await fetch(`${instance.url}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ledgerAuthorization },
      body: JSON.stringify({ id, currency }),
    });
    if (response.status !== 201) throw new Error(`opening failed: ${await response.text()}`);
    if (fund) await fundInLedger(this.db.url, id, currency as CurrencyCode, fund);
    return id;
  }

  transfer(
    debitAccountId: string,
    creditAccountId: string,
    amount: bigint,
    currency: CurrencyCode = 'EUR',
  ): TransferRequestedV1 {
    const id = randomUUID();
    return {
      type: 'TransferRequested',
      version: 1,
      eventId: id,
      transferId: id,
      debitAccountId,
      creditAccountId,
      amount: amount.toString(),
      currency,
      requestedAt: new Date().toISOString(),
    };
  }

  /** Produces events (and raw values, for poison tests) in one committed transaction. */
  async send(
    events: Array<
      TransferRequestedV1 | { raw: string; key: string; headers?: Record<string, string> }
    >,
  ): Promise<void> {
    const producer = this.kafka.producer({
      transactionalId: uniqueName('test-relay'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const tx = await producer.transaction();
    await tx.send({
      topic: this.requested,
      messages: events.map((e) =>
        'raw' in e
          ? { key: e.key, value: e.raw, headers: e.headers ?? {} }
          : {
              key: e.debitAccountId,
              value: JSON.stringify(e),
              headers: { [EventHeaders.eventId]: e.eventId },
            },
      ),
    });
    await tx.commit();
    await producer.disconnect();
    for (const e of events) if (!('raw' in e)) this.sent.push(e);
  }

  async resultRecords(): Promise<ReadRecord[]> {
    return readCommitted(this.kafka, this.results);
  }

  async resultEvents(): Promise<TransferResultV1[]> {
    return (await this.resultRecords()).map((r) => JSON.parse(r.value) as TransferResultV1);
  }

  async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.sql.query<T>(text, values)).rows;
  }

  /** Waits until every sent transfer (and every id in `also`) has an inbox entry with a result. */
  async waitForApplied(timeoutMs = 90_000, also: string[] = []): Promise<void> {
    const ids = [...this.sent.map((e) => e.eventId), ...also];
    await waitFor(
      async () => {
        const [row] = await this.query<{ n: number }>(
          `select count(*)::int as n from inbox where result is not null and event_id = any($1::uuid[])`,
          [ids],
        );
        return row?.n === ids.length;
      },
      { description: `${ids.length} transfers applied`, timeoutMs },
    );
  }

  /**
   * Waits until every sent transfer has a committed result on the results topic (read with
   * read_committed). Together with `waitForApplied` this says the input was processed through
   * to Kafka; a duplicate would show in the final read, after the instances are stopped.
   */
  async waitForResults(timeoutMs = 90_000): Promise<void> {
    await waitFor(
      async () => {
        const seen = new Set((await this.resultEvents()).map((r) => r.transferId));
        return this.sent.every((e) => seen.has(e.transferId));
      },
      { description: `results for ${this.sent.length} transfers`, timeoutMs, intervalMs: 1_000 },
    );
  }

  /** Invariants of the ledger database. */
  ledgerInvariants(): Promise<LedgerInvariants> {
    return ledgerInvariants(this.db.url);
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.process.stop()));
    await this.sql.end();
    await this.db.drop();
  }
}

/** Result count per transfer id (a transfer must have exactly one). */
export function countByTransfer(results: TransferResultV1[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.transferId, (counts.get(r.transferId) ?? 0) + 1);
  return counts;
}
