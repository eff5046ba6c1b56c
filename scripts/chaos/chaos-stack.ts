import pg from 'pg';
import type { ChaosOptions } from './chaos-options.js';
import { LocalPostgres } from '../../test/infra/local-postgres.js';
import { startInfra, type RunningInfra } from '../../test/infra/start-infra.js';
import { PipelineFixture, type ServiceInstance } from '../../test/pipeline/pipeline-fixture.js';
import type { History } from './history.js';
import { InjectedPoison } from './inject-poison.js';

export const CHAOS_CLIENT = 'chaos';
export const CHAOS_API_KEY = 'chaos-run-key-0123456789abcdef';
const LEDGER_COUNT = 2;
const ACCOUNT_COUNT = 6;
export const OPENING_BALANCE = 20_000n;
/**
 * The relay's RELAY_TRANSACTION_TIMEOUT_MS in the run: short, so that a relay paused inside its
 * transaction (a fault of the schedule) outlives it within the run.
 */
export const RELAY_TRANSACTION_TIMEOUT_MS = 5_000;

/**
 * Kafka (one node, or three), PostgreSQL (the run's own where possible), payments (API and
 * settlement), the outbox relay as its own process, and two ledgers, as real processes on fresh
 * databases and topics; six funded accounts; SQL access to both databases for the checks.
 * `ensureRunning` brings the process set back to at least one payments, one relay and two ledgers.
 */
export class ChaosStack {
  readonly paymentsSql: pg.Pool;
  readonly ledgerSql: pg.Pool;
  accounts: string[] = [];
  /** What the run injected that no client sent. */
  readonly poison = new InjectedPoison();

  private constructor(
    readonly infra: RunningInfra,
    readonly fx: PipelineFixture,
    private readonly history: History,
    private readonly options: Pick<ChaosOptions, 'guarantee'>,
    /** The run's own PostgreSQL server, when the machine has the binaries (it can be restarted). */
    readonly postgres: LocalPostgres | undefined,
  ) {
    this.paymentsSql = checkPool(fx.paymentsDb.url, history);
    this.ledgerSql = checkPool(fx.ledgerDb.url, history);
  }

  static async start(
    history: History,
    options: Pick<ChaosOptions, 'guarantee' | 'brokers'>,
  ): Promise<ChaosStack> {
    const binaries = LocalPostgres.binaries();
    const postgres = binaries ? await LocalPostgres.start(binaries) : undefined;
    if (postgres) history.event('infra', `PostgreSQL of the run's own at ${postgres.url}`);
    // Otherwise the infra the tests use when nothing is configured (local mode on this machine).
    const infra = await startInfra({
      log: (line) => history.event('infra', line),
      env: postgres ? { DATABASE_URL: postgres.url } : {},
      kafkaNodes: options.brokers,
    }).catch(async (error: unknown) => {
      await postgres?.stop();
      throw error;
    });
    for (const line of infra.summary) history.event('infra', line);
    // The fixture reads where Kafka and PostgreSQL are from the environment, as under jest.
    process.env.KAFKA_BROKERS = infra.kafkaBrokers;
    process.env.DATABASE_URL = infra.databaseUrl;
    try {
      const fx = await PipelineFixture.create('chaos');
      const stack = new ChaosStack(infra, fx, history, options, postgres);
      await stack.ensureRunning();
      for (let i = 0; i < ACCOUNT_COUNT; i++) {
        stack.accounts.push(await fx.openAccount(OPENING_BALANCE, 'EUR', CHAOS_API_KEY));
      }
      history.event(
        'setup',
        `${ACCOUNT_COUNT} accounts opened through payments, funded by an operator with ${OPENING_BALANCE} each`,
      );
      return stack;
    } catch (error) {
      await infra.stop();
      await postgres?.stop();
      throw error;
    }
  }

  runningPayments(): ServiceInstance | undefined {
    return this.fx.payments.findLast((i) => i.process.running);
  }

  runningRelay(): ServiceInstance | undefined {
    return this.fx.relays.findLast((i) => i.process.running);
  }

  runningLedgers(): ServiceInstance[] {
    return this.fx.ledgers.filter((i) => i.process.running);
  }

  /** Starts whatever is missing; a process that exited on its own is recorded as an event. */
  async ensureRunning(): Promise<void> {
    this.recordUnexpectedExits();
    if (!this.runningPayments()) {
      await this.withRetries('payments', () =>
        this.fx.startPayments({ ...paymentsEnv(), RELAY_MODE: 'off' }),
      );
    }
    if (!this.runningRelay()) await this.startRelay();
    while (this.runningLedgers().length < LEDGER_COUNT) await this.startLedger();
  }

  /** A standalone relay, with `env` on top of the run's settings (`attempts` starts at most). */
  async startRelay(
    env: Record<string, string> = {},
    attempts = 3,
  ): Promise<ServiceInstance | undefined> {
    await this.withRetries(
      'relay',
      () =>
        this.fx.startRelay({
          ...paymentsEnv(),
          RELAY_TRANSACTION_TIMEOUT_MS: String(RELAY_TRANSACTION_TIMEOUT_MS),
          ...env,
        }),
      attempts,
    );
    return this.runningRelay();
  }

  /** One more member of the ledger group (a rebalance), with the run's delivery guarantee. */
  async startLedger(): Promise<void> {
    await this.withRetries('ledger', () =>
      this.fx.startLedger({ DELIVERY_GUARANTEE: this.options.guarantee }),
    );
  }

  async close({ keepDatabases }: { keepDatabases: boolean }): Promise<void> {
    const instances = this.instances();
    // A frozen process would ignore SIGTERM until resumed.
    for (const i of instances) i.process.kill('SIGCONT');
    await Promise.all(instances.map((i) => i.process.stop()));
    await Promise.all([this.paymentsSql.end(), this.ledgerSql.end()]);
    if (!keepDatabases) await Promise.all([this.fx.paymentsDb.drop(), this.fx.ledgerDb.drop()]);
    await this.infra.stop();
    const dataDir = await this.postgres?.stop({ keepData: keepDatabases });
    if (dataDir && keepDatabases) console.log(`[chaos] PostgreSQL data kept in ${dataDir}`);
  }

  /** Every service process started so far, running or not. */
  instances(): ServiceInstance[] {
    return [...this.fx.payments, ...this.fx.relays, ...this.fx.ledgers];
  }

  private readonly expectedExits = new Set<number>();
  private readonly reportedExits = new Set<number>();

  /** Marks a process the schedule is about to stop, so its exit is not reported as unexpected. */
  expectExit(instance: ServiceInstance): void {
    if (instance.process.pid) this.expectedExits.add(instance.process.pid);
  }

  private recordUnexpectedExits(): void {
    for (const { process: p, url } of this.instances()) {
      const pid = p.pid ?? 0;
      if (p.running || this.expectedExits.has(pid) || this.reportedExits.has(pid)) continue;
      this.reportedExits.add(pid);
      const lastLines = p.log.trim().split('\n').slice(-3).join(' | ');
      this.history.event('unexpected-exit', `${p.name} pid ${pid} ${url}: ${lastLines}`);
    }
  }

  /** A start can fail while Kafka is still recovering; try a few times before giving up. */
  private async withRetries(
    name: string,
    start: () => Promise<ServiceInstance>,
    attempts = 3,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const instance = await start();
        this.history.event('start', `${name} pid ${instance.process.pid} at ${instance.url}`);
        return;
      } catch (error) {
        this.history.event('start-failed', `${name} attempt ${attempt}: ${firstLine(error)}`);
        if (attempt >= attempts) throw error;
      }
    }
  }
}

/** A small pool for the checks; a PostgreSQL restart breaks its idle connections, which is expected. */
function checkPool(url: string, history: History): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', (error) => history.event('check-pool', `connection lost: ${error.message}`));
  return pool;
}

function paymentsEnv(): Record<string, string> {
  return { API_KEYS: `${CHAOS_CLIENT}:${CHAOS_API_KEY}` };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
