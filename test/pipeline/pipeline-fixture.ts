import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { EventHeaders, type TransferResultV1 } from '#contracts';
import { ensureTopics, type KafkaClient, type SaslCredentials } from '#kafka-eos';
import {
  createServiceRoles,
  createTestDatabase,
  freePort,
  type ServiceRoles,
  uniqueName,
  waitFor,
  type TestDatabase,
} from '#test-infra';
// Types only: the services run as child processes, never inside the test process.
import type { AccountView, EntryView } from '../../apps/ledger/src/accounts/accounts.repository.js';
import type {
  AcceptedTransfer,
  Transfer,
} from '../../apps/payments/src/transfers/transfer.response.js';
import { recordAccountOwners } from '../support/account-owners.js';
import { ChildService } from '../support/child-process.js';
import { clientUnderTest } from '../support/client-under-test.js';
import {
  LEDGER_TEST_TOKEN,
  ledgerAuthorization,
  TEST_ADMIN,
  TEST_ADMIN_KEY,
} from '../support/service-credentials.js';
import { ledgerInvariants, type LedgerInvariants } from '../support/ledger-invariants.js';
import { readCommitted } from '../support/read-topic.js';

const API_CLIENT = 'pipeline-test';
export const PIPELINE_API_KEY = 'pipeline-test-key-0123456789';
const PARTITIONS = 3;

/** An authenticating Kafka for a fixture: its brokers and the SASL principals to use. */
export interface SecureKafka {
  brokers: string[];
  admin: SaslCredentials;
  payments: { username: string; password: string };
  ledger: { username: string; password: string };
}

export interface ServiceInstance {
  process: ChildService;
  url: string;
  /** Its management listener (/metrics, /docs); the relay's one port serves both. */
  managementUrl: string;
}

/**
 * The whole money path as real processes: the payments API (embedded relay, settlement on) and
 * ledgers, each service with its own fresh database, all on one set of fresh topics.
 *
 * Processes can be started again after a stop or a kill; HTTP calls go to the newest payments
 * instance and the first ledger still running, so a chaos test need not track URLs.
 */
export class PipelineFixture {
  readonly kafka: Kafka;
  /** The product's Kafka client port, for the product code a test calls. */
  readonly client: KafkaClient;
  readonly topics = {
    requested: uniqueName('requested'),
    results: uniqueName('results'),
    deadLetter: uniqueName('requested-dlq'),
  };
  readonly ledgerGroup = uniqueName('ledger');
  readonly settlementGroup = uniqueName('settlement');
  readonly relayTransactionalId = uniqueName('relay');
  readonly relayPositionTopic = uniqueName('relay-position');
  /** Ids of every transfer payments accepted, in the order they were posted. */
  readonly posted: string[] = [];
  /** Ids of the fundings `openAccount` asked for: transfers too, from the funding account. */
  readonly fundings: string[] = [];
  readonly payments: ServiceInstance[] = [];
  readonly ledgers: ServiceInstance[] = [];
  readonly relays: ServiceInstance[] = [];

  private constructor(
    readonly paymentsDb: TestDatabase,
    readonly ledgerDb: TestDatabase,
    /** The port of the ledger payments calls (its LEDGER_URL); later ledgers get others. */
    private readonly primaryLedgerPort: number,
    /** With `leastPrivilege`: each service's migration and runtime roles. */
    readonly roles?: { payments: ServiceRoles; ledger: ServiceRoles },
    /** With `kafka`: an authenticating cluster, and the principal of the test and of each service. */
    private readonly secureKafka?: SecureKafka,
  ) {
    this.kafka = new Kafka({
      clientId: 'pipeline-test',
      brokers: this.brokers,
      ...(secureKafka && { sasl: secureKafka.admin }),
      logLevel: logLevel.NOTHING,
    });
    this.client = clientUnderTest(this.brokers, {
      clientId: 'pipeline-test',
      sasl: secureKafka?.admin,
    });
  }

  private get brokers(): string[] {
    return this.secureKafka?.brokers ?? (process.env.KAFKA_BROKERS ?? '').split(',');
  }

  /** How a service of `kind` reaches Kafka: the run's broker, or its own principal on `kafka`. */
  private kafkaEnv(kind: 'payments' | 'ledger'): Record<string, string> {
    const principal = this.secureKafka?.[kind];
    return {
      KAFKA_BROKERS: this.brokers.join(','),
      ...(principal && {
        KAFKA_SASL_USERNAME: principal.username,
        KAFKA_SASL_PASSWORD: principal.password,
      }),
    };
  }

  /** How a service of `kind` connects: as the database's superuser, or its two roles. */
  private databaseEnv(kind: 'payments' | 'ledger'): Record<string, string> {
    const roles = this.roles?.[kind];
    if (!roles)
      return { DATABASE_URL: (kind === 'payments' ? this.paymentsDb : this.ledgerDb).url };
    return { DATABASE_URL: roles.runtimeUrl, DATABASE_MIGRATION_URL: roles.migrationUrl };
  }

  /**
   * `ledgerServer`: a PostgreSQL server for the ledger's database other than the run's.
   * `leastPrivilege`: each service migrates as its database's owner and runs as a role with
   * DML rights alone, as deployed (see `createServiceRoles`). `kafka`: a cluster of the test's
   * own that authenticates, with the test's (admin) principal and one per service.
   */
  static async create(
    label: string,
    {
      ledgerServer,
      leastPrivilege,
      kafka,
    }: { ledgerServer?: string; leastPrivilege?: boolean; kafka?: SecureKafka } = {},
  ): Promise<PipelineFixture> {
    const [paymentsDb, ledgerDb] = await Promise.all([
      createTestDatabase(`${label}-payments`),
      createTestDatabase(`${label}-ledger`, ledgerServer),
    ]);
    const roles = leastPrivilege
      ? {
          payments: await createServiceRoles(paymentsDb),
          ledger: await createServiceRoles(ledgerDb, ledgerServer),
        }
      : undefined;
    const fx = new PipelineFixture(paymentsDb, ledgerDb, await freePort(), roles, kafka);
    // Created here rather than by whichever service starts first, so the partition count is
    // the test's choice and no consumer subscribes to a topic that does not exist yet.
    await ensureTopics(fx.client, [
      { topic: fx.topics.requested, numPartitions: PARTITIONS },
      { topic: fx.topics.results, numPartitions: PARTITIONS },
      { topic: fx.topics.deadLetter, numPartitions: 1 },
    ]);
    return fx;
  }

  /** Starts the payments API with its relay and settlement, and waits until it serves HTTP. */
  async startPayments(env: Record<string, string> = {}): Promise<ServiceInstance> {
    return this.startPaymentsProcess('payments', 'apps/payments/src/main.js', this.payments, env);
  }

  /**
   * Starts the outbox relay as its own process (`relay.main.js`), as docker compose runs it; the
   * payments instances then run with `RELAY_MODE: 'off'`.
   */
  async startRelay(env: Record<string, string> = {}): Promise<ServiceInstance> {
    return this.startPaymentsProcess('relay', 'apps/payments/src/relay.main.js', this.relays, {
      RELAY_MODE: 'standalone',
      SETTLEMENT_ENABLED: 'false',
      ...env,
    });
  }

  private async startPaymentsProcess(
    name: string,
    script: string,
    instances: ServiceInstance[],
    env: Record<string, string>,
  ): Promise<ServiceInstance> {
    const [port, managementPort] = [await freePort(), await freePort()];
    const service = ChildService.start(name, script, {
      PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      ...this.databaseEnv('payments'),
      ...this.kafkaEnv('payments'),
      API_KEYS: `${API_CLIENT}:${PIPELINE_API_KEY}`,
      ADMIN_API_KEYS: `${TEST_ADMIN}:${TEST_ADMIN_KEY}`,
      LEDGER_URL: `http://127.0.0.1:${this.primaryLedgerPort}`,
      LEDGER_API_TOKEN: LEDGER_TEST_TOKEN,
      TOPIC_TRANSFER_REQUESTED: this.topics.requested,
      TOPIC_TRANSFER_RESULTS: this.topics.results,
      TOPIC_PARTITIONS: String(PARTITIONS),
      RELAY_MODE: 'embedded',
      RELAY_TRANSACTIONAL_ID: this.relayTransactionalId,
      RELAY_POSITION_TOPIC: this.relayPositionTopic,
      // The relay wakes on LISTEN/NOTIFY; the short poll only bounds the wait if a notice is lost.
      RELAY_POLL_INTERVAL_MS: '200',
      // Short sessions: a restarted payments rejoins settlement without waiting out the old one.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      SETTLEMENT_ENABLED: 'true',
      SETTLEMENT_CONSUMER_GROUP: this.settlementGroup,
      ...env,
    });
    const instance = {
      process: service,
      url: `http://127.0.0.1:${port}`,
      managementUrl: `http://127.0.0.1:${script.includes('relay') ? port : managementPort}`,
    };
    instances.push(instance);
    await serving(instance, '/health/live', 200);
    return instance;
  }

  /** Starts a ledger (one more member of the ledger group, on the shared ledger database). */
  async startLedger(env: Record<string, string> = {}): Promise<ServiceInstance> {
    const primaryUrl = `http://127.0.0.1:${this.primaryLedgerPort}`;
    const primaryRunning = this.ledgers.some((l) => l.url === primaryUrl && l.process.running);
    const port = primaryRunning ? await freePort() : this.primaryLedgerPort;
    const managementPort = await freePort();
    const service = ChildService.start('ledger', 'apps/ledger/src/main.js', {
      PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      ...this.databaseEnv('ledger'),
      LEDGER_API_TOKEN: LEDGER_TEST_TOKEN,
      ...this.kafkaEnv('ledger'),
      TOPIC_TRANSFER_REQUESTED: this.topics.requested,
      TOPIC_TRANSFER_RESULTS: this.topics.results,
      TOPIC_DEAD_LETTER: this.topics.deadLetter,
      TOPIC_PARTITIONS: String(PARTITIONS),
      CONSUMER_GROUP: this.ledgerGroup,
      // Short sessions: a killed or frozen instance's partitions move on quickly.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ...env,
    });
    const instance = {
      process: service,
      url: `http://127.0.0.1:${port}`,
      managementUrl: `http://127.0.0.1:${managementPort}`,
    };
    this.ledgers.push(instance);
    await serving(instance, '/health/live', 200);
    return instance;
  }

  /**
   * Opens an account through payments (`POST /accounts`, as the test's client or the one of
   * `apiKey`) and, with
   * `fund`, funds it as an operator (`POST /admin/fundings`) and waits until that completed.
   */
  async openAccount(fund?: bigint, currency = 'EUR', apiKey = PIPELINE_API_KEY): Promise<string> {
    const { id } = await this.paymentsCall<{ id: string }>('POST', '/accounts', apiKey, 201, {
      currency,
    });
    if (fund) {
      const funding = await this.paymentsCall<{ id: string }>(
        'POST',
        '/admin/fundings',
        TEST_ADMIN_KEY,
        202,
        { accountId: id, amount: `${fund}`, currency },
      );
      this.fundings.push(funding.id);
      const [{ status: settled } = { status: 'missing' }] = await this.waitForFinalAs(
        TEST_ADMIN_KEY,
        '/admin/fundings/',
        [funding.id],
      );
      if (settled !== 'completed') throw new Error(`the funding of ${id} was ${settled}`);
    }
    return id;
  }

  /**
   * Opens an account per entry of `funds` (funded with it, unless undefined) through a payments
   * started for that alone (relay, settlement) and stopped after: for tests and benchmarks whose
   * own payments runs without its relay, or away from Kafka.
   */
  async openAccountsAside(funds: ReadonlyArray<bigint | undefined>): Promise<string[]> {
    const opener = await this.startPayments();
    const ids: string[] = [];
    for (const fund of funds) ids.push(await this.openAccount(fund));
    await opener.process.stop();
    return ids;
  }

  /**
   * Records `count` accounts of the test's client in payments' database only, for tests that
   * run no ledger (what payments accepts and publishes): the ledger never hears of them.
   */
  async registerAccounts(count: number, currency = 'EUR'): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await recordAccountOwners(this.paymentsDb.url, ids, API_CLIENT, currency);
    return ids;
  }

  async balance(accountId: string): Promise<bigint> {
    const account = await this.ledgerCall<AccountView>('GET', `/accounts/${accountId}`);
    return BigInt(account.balance);
  }

  async entries(accountId: string): Promise<EntryView[]> {
    const page = await this.ledgerCall<{ entries: EntryView[] }>(
      'GET',
      `/accounts/${accountId}/entries?limit=1000`,
    );
    return page.entries;
  }

  /**
   * `POST /transfers` to payments (the newest running instance, or `via`); anything but 202
   * throws with the answer's body.
   */
  async postTransfer(
    debitAccountId: string,
    creditAccountId: string,
    amount: bigint,
    currency = 'EUR',
    headers: Record<string, string> = {},
    via?: ServiceInstance,
  ): Promise<AcceptedTransfer> {
    const response = await fetch(`${via?.url ?? this.paymentsUrl}/transfers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${PIPELINE_API_KEY}`,
        'idempotency-key': randomUUID(),
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify({ debitAccountId, creditAccountId, amount: `${amount}`, currency }),
    });
    const text = await response.text();
    if (response.status !== 202) {
      throw new Error(`POST /transfers answered ${response.status}: ${text}`);
    }
    const body = JSON.parse(text) as AcceptedTransfer;
    this.posted.push(body.id);
    return body;
  }

  async getTransfer(
    id: string,
    apiKey = PIPELINE_API_KEY,
    prefix = '/transfers/',
  ): Promise<Transfer> {
    const response = await fetch(`${this.paymentsUrl}${prefix}${id}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (response.status !== 200) {
      throw new Error(`GET ${prefix}${id} answered ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as Transfer;
  }

  /** `waitForFinal` for what another key sees under `prefix` (an operator's fundings). */
  async waitForFinalAs(apiKey: string, prefix: string, ids: string[]): Promise<Transfer[]> {
    return waitFor(
      async () => {
        const latest = await Promise.all(ids.map((id) => this.getTransfer(id, apiKey, prefix)));
        return latest.every((t) => t.status !== 'pending') && latest;
      },
      { description: `${ids.length} transfers to settle`, timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  /**
   * Waits until payments reports every transfer as completed or rejected, and returns them in
   * the order of `ids`. On timeout the error lists what is still pending and the process logs.
   */
  async waitForFinal(ids: string[], timeoutMs = 60_000): Promise<Transfer[]> {
    let latest: Transfer[] = [];
    try {
      return await waitFor(
        async () => {
          latest = await Promise.all(ids.map((id) => this.getTransfer(id)));
          return latest.every((t) => t.status !== 'pending') && latest;
        },
        { description: `${ids.length} transfers to settle`, timeoutMs, intervalMs: 200 },
      );
    } catch (error) {
      const pending = latest.filter((t) => t.status === 'pending').map((t) => t.id);
      const last = latest.length
        ? `pending at the last poll: ${pending.join(', ')}`
        : 'no poll answered';
      throw new Error(`transfers not final; ${last}\n${this.logTails()}`, { cause: error });
    }
  }

  /**
   * How many committed records the results topic holds for each transfer id. readCommitted
   * appends a sentinel to each partition; a running payments settles nothing from it and sends it
   * to its own dead-letter topic (`<results>.dlq`), which is why that topic is not empty after.
   */
  async resultCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const record of await readCommitted(this.kafka, this.topics.results)) {
      const { transferId } = JSON.parse(record.value) as TransferResultV1;
      counts.set(transferId, (counts.get(transferId) ?? 0) + 1);
    }
    return counts;
  }

  /** Invariants of the ledger database. */
  ledgerInvariants(): Promise<LedgerInvariants> {
    return ledgerInvariants(this.ledgerDb.url);
  }

  /** Outbox rows the relay has not published (deleted) yet. */
  async unpublishedRows(): Promise<number> {
    const client = new pg.Client({ connectionString: this.paymentsDb.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from outbox');
      return rows[0]?.n ?? -1;
    } finally {
      await client.end();
    }
  }

  /** The event ids committed to the requested topic (read_committed), in offset order per partition. */
  async requestedEventIds(): Promise<string[]> {
    const records = await readCommitted(this.kafka, this.topics.requested);
    return records.map(
      (r) => r.headers[EventHeaders.eventId] ?? `no id at ${r.partition}:${r.offset}`,
    );
  }

  /** The JSON log lines every process of the given kind wrote so far. */
  jsonLogs(kind: 'payments' | 'ledger'): Array<Record<string, unknown>> {
    return (kind === 'payments' ? this.payments : this.ledgers).flatMap((i) =>
      i.process.log
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
  }

  /** The last lines each process wrote, for failure messages. */
  logTails(lines = 20): string {
    return [...this.payments, ...this.relays, ...this.ledgers]
      .map(
        (i) =>
          `--- ${i.process.name} ${i.url}\n${i.process.log.split('\n').slice(-lines).join('\n')}`,
      )
      .join('\n');
  }

  async close(): Promise<void> {
    const instances = [...this.payments, ...this.relays, ...this.ledgers];
    await Promise.all(instances.map((i) => i.process.stop()));
    await Promise.all([this.paymentsDb.drop(), this.ledgerDb.drop()]);
    await Promise.all([this.roles?.payments.drop(), this.roles?.ledger.drop()]);
  }

  /** A Prometheus sample of the running payments or ledger process (NaN when absent). */
  async metric(kind: 'payments' | 'ledger', sample: string): Promise<number> {
    const instance = (kind === 'payments' ? this.payments : this.ledgers).findLast(
      (i) => i.process.running,
    );
    if (!instance) throw new Error(`no ${kind} process is running`);
    const text = await (await fetch(`${instance.managementUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
    return Number(line?.split(' ')[1] ?? NaN);
  }

  /** The newest running payments instance. */
  get paymentsUrl(): string {
    const running = this.payments.findLast((i) => i.process.running);
    if (!running) throw new Error('no payments process is running');
    return running.url;
  }

  private async paymentsCall<T>(
    method: 'GET' | 'POST',
    path: string,
    apiKey: string,
    expectedStatus = 200,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${this.paymentsUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body !== undefined && {
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status !== expectedStatus) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as T;
  }

  /** The ledger's internal API, as payments calls it: for reads a test checks against. */
  private async ledgerCall<T>(method: 'GET', path: string, expectedStatus = 200): Promise<T> {
    const ledger = this.ledgers.find((i) => i.process.running);
    if (!ledger) throw new Error('no ledger process is running');
    const response = await fetch(`${ledger.url}${path}`, { method, headers: ledgerAuthorization });
    if (response.status !== expectedStatus) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as T;
  }
}

/**
 * Waits until `path` answers `status`. A process that exits first fails at once with its log,
 * instead of the wait running into its deadline.
 */
async function serving(instance: ServiceInstance, path: string, status: number): Promise<void> {
  const { process: service, url } = instance;
  const outcome = await waitFor(
    async () => {
      if (!service.running) return 'exited';
      const response = await fetch(`${url}${path}`);
      return response.status === status && 'serving';
    },
    { description: `the ${service.name} HTTP API at ${url}`, timeoutMs: 30_000 },
  );
  if (outcome === 'exited') throw new Error(`${service.name} exited:\n${service.log}`);
}
