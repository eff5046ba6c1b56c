import pg from 'pg';
import type { ChaosOptions } from './chaos-options.js';
import { startInfra, type RunningInfra } from '../../test/infra/start-infra.js';
import { PipelineFixture, type ServiceInstance } from '../../test/pipeline/pipeline-fixture.js';
import type { History } from './history.js';

export const CHAOS_CLIENT = 'chaos';
export const CHAOS_API_KEY = 'chaos-run-key-0123456789abcdef';
const LEDGER_COUNT = 2;
const ACCOUNT_COUNT = 6;
export const OPENING_BALANCE = 20_000n;

/**
 * Kafka (one node, or three), PostgreSQL, payments (embedded relay and settlement) and two
 * ledgers as real processes on fresh databases and topics, six funded accounts, and SQL access to
 * both databases for the checks. `ensureRunning` brings the process set back to at least one
 * payments and two ledgers.
 */
export class ChaosStack {
  readonly paymentsSql: pg.Pool;
  readonly ledgerSql: pg.Pool;
  accounts: string[] = [];

  private constructor(
    readonly infra: RunningInfra,
    readonly fx: PipelineFixture,
    private readonly history: History,
    private readonly options: Pick<ChaosOptions, 'guarantee'>,
  ) {
    this.paymentsSql = new pg.Pool({ connectionString: fx.paymentsDb.url, max: 2 });
    this.ledgerSql = new pg.Pool({ connectionString: fx.ledgerDb.url, max: 2 });
  }

  static async start(
    history: History,
    options: Pick<ChaosOptions, 'guarantee' | 'brokers'>,
  ): Promise<ChaosStack> {
    // env {}: the infra the tests use when nothing is configured (local mode on this machine).
    const infra = await startInfra({
      log: (line) => history.event('infra', line),
      env: {},
      kafkaNodes: options.brokers,
    });
    for (const line of infra.summary) history.event('infra', line);
    // The fixture reads where Kafka and PostgreSQL are from the environment, as under jest.
    process.env.KAFKA_BROKERS = infra.kafkaBrokers;
    process.env.DATABASE_URL = infra.databaseUrl;
    try {
      const fx = await PipelineFixture.create('chaos');
      const stack = new ChaosStack(infra, fx, history, options);
      await stack.ensureRunning();
      for (let i = 0; i < ACCOUNT_COUNT; i++) {
        stack.accounts.push(await fx.openAccount(OPENING_BALANCE));
      }
      history.event('setup', `${ACCOUNT_COUNT} accounts funded with ${OPENING_BALANCE} each`);
      return stack;
    } catch (error) {
      await infra.stop();
      throw error;
    }
  }

  runningPayments(): ServiceInstance | undefined {
    return this.fx.payments.findLast((i) => i.process.running);
  }

  runningLedgers(): ServiceInstance[] {
    return this.fx.ledgers.filter((i) => i.process.running);
  }

  /** Starts whatever is missing; a process that exited on its own is recorded as an event. */
  async ensureRunning(): Promise<void> {
    this.recordUnexpectedExits();
    if (!this.runningPayments()) {
      await this.withRetries('payments', () => this.fx.startPayments(paymentsEnv()));
    }
    while (this.runningLedgers().length < LEDGER_COUNT) await this.startLedger();
  }

  /** One more member of the ledger group (a rebalance), with the run's delivery guarantee. */
  async startLedger(): Promise<void> {
    await this.withRetries('ledger', () =>
      this.fx.startLedger({ DELIVERY_GUARANTEE: this.options.guarantee }),
    );
  }

  async close({ keepDatabases }: { keepDatabases: boolean }): Promise<void> {
    const instances = [...this.fx.payments, ...this.fx.ledgers];
    // A frozen process would ignore SIGTERM until resumed.
    for (const i of instances) i.process.kill('SIGCONT');
    await Promise.all(instances.map((i) => i.process.stop()));
    await Promise.all([this.paymentsSql.end(), this.ledgerSql.end()]);
    if (!keepDatabases) await Promise.all([this.fx.paymentsDb.drop(), this.fx.ledgerDb.drop()]);
    await this.infra.stop();
  }

  private readonly expectedExits = new Set<number>();
  private readonly reportedExits = new Set<number>();

  /** Marks a process the schedule is about to stop, so its exit is not reported as unexpected. */
  expectExit(instance: ServiceInstance): void {
    if (instance.process.pid) this.expectedExits.add(instance.process.pid);
  }

  private recordUnexpectedExits(): void {
    for (const { process: p, url } of [...this.fx.payments, ...this.fx.ledgers]) {
      const pid = p.pid ?? 0;
      if (p.running || this.expectedExits.has(pid) || this.reportedExits.has(pid)) continue;
      this.reportedExits.add(pid);
      const lastLines = p.log.trim().split('\n').slice(-3).join(' | ');
      this.history.event('unexpected-exit', `${p.name} pid ${pid} ${url}: ${lastLines}`);
    }
  }

  /** A start can fail while Kafka is still recovering; try a few times before giving up. */
  private async withRetries(name: string, start: () => Promise<ServiceInstance>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const instance = await start();
        this.history.event('start', `${name} pid ${instance.process.pid} at ${instance.url}`);
        return;
      } catch (error) {
        this.history.event('start-failed', `${name} attempt ${attempt}: ${firstLine(error)}`);
        if (attempt >= 3) throw error;
      }
    }
  }
}

function paymentsEnv(): Record<string, string> {
  return { API_KEYS: `${CHAOS_CLIENT}:${CHAOS_API_KEY}` };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
