import { randomInt } from 'node:crypto';
import pg from 'pg';
import { LocalPostgres, waitFor } from '#test-infra';
import { readCommitted } from '../support/read-topic.js';
import { PipelineFixture } from './pipeline-fixture.js';

/**
 * The ledger's database fails in the middle of a steady load, one way per test. Such outages are
 * waited out: afterwards nothing went to the dead-letter topic, every accepted transfer is final
 * (completed: the payers can always cover the amounts), and the money adds up. The ledger's
 * database lives on a PostgreSQL server of the test's own, so it can be restarted, crashed,
 * filled and reconfigured without touching the machine's.
 */
const binaries = LocalPostgres.binaries();
if (!binaries) {
  throw new Error('these tests need the PostgreSQL server binaries (Debian: postgresql)');
}

/** Small, so that a hog can take every connection. */
const MAX_CONNECTIONS = 30;
const OUTAGE_MS = 3_000;

describe('the ledger database failing under load', () => {
  let server: LocalPostgres;
  let fx: PipelineFixture;

  beforeEach(async () => {
    server = await LocalPostgres.start(binaries, { max_connections: String(MAX_CONNECTIONS) });
    fx = await PipelineFixture.create('ledger-db-faults', { ledgerServer: server.url });
  });
  let stopLoad: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await stopLoad?.().catch(() => undefined); // a failed test leaves its load running
    stopLoad = undefined;
    await fx?.close();
    await server?.stop();
  });

  it.each([
    [
      'restarted (fast shutdown)',
      () => server.restart('fast', OUTAGE_MS),
      /57P01|57P03|ECONNREFUSED|connection lost/,
    ],
    [
      'crashed (immediate shutdown)',
      () => server.restart('immediate', OUTAGE_MS),
      /57P02|57P03|ECONNREFUSED|connection lost/,
    ],
    [
      'out of connections (max_connections reached by another client)',
      () => exhaustConnections(server.url),
      /53300/,
    ],
    [
      'switched to read-only (default_transaction_read_only) and back',
      () => readOnlyFor(server.url),
      /25006/,
    ],
    [
      'cancelling statements (statement_timeout) behind a lock',
      () => statementTimeoutFor(server.url, fx.ledgerDb.url),
      /57014/,
    ],
  ])(
    'waits out a database %s, dead-letters nothing, finishes every transfer',
    async (_what, fault, outage) => {
      await fx.startLedger();
      await fx.startPayments();
      const accounts = [];
      for (let i = 0; i < 4; i++) accounts.push(await fx.openAccount(1_000_000n));

      const load = steadyLoad(fx, accounts);
      await waitFor(async () => (await fx.getTransfer(fx.posted[0] ?? '')).status === 'completed', {
        description: 'the first transfer of the load completed',
        timeoutMs: 30_000,
      });
      await fault();
      const acceptedAtFault = fx.posted.length;
      await waitFor(() => fx.posted.length >= acceptedAtFault + 20, {
        description: 'twenty more transfers accepted after the fault',
        timeoutMs: 30_000,
      });
      await load.stop();

      const final = await fx.waitForFinal(fx.posted, 120_000);
      expect(final.filter((t) => t.status !== 'completed')).toEqual([]);
      expect(await readCommitted(fx.kafka, fx.topics.deadLetter)).toEqual([]);
      expect(await fx.ledgerInvariants()).toEqual({
        totalBalance: '0',
        accountsOffBySum: 0,
        negativeWithoutFlag: 0,
        entriesNotPaired: 0,
      });
      const moved = await postedTransfers(fx.ledgerDb.url);
      expect(moved).toEqual(new Set(fx.posted));
      // The fault reached the ledger, which said what it waited out.
      expect(fx.ledgers.map((l) => l.process.log).join('\n')).toMatch(outage);
    },
  );
});

/**
 * Two clients sending small transfers between the accounts until stopped; every one accepted is
 * in `fx.posted`.
 */
function steadyLoad(fx: PipelineFixture, accounts: string[]): { stop(): Promise<void> } {
  let running = true;
  const client = async (): Promise<void> => {
    while (running) {
      const from = randomInt(accounts.length);
      const to = (from + 1 + randomInt(accounts.length - 1)) % accounts.length;
      await fx.postTransfer(accounts[from] ?? '', accounts[to] ?? '', BigInt(1 + randomInt(100)));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const clients = [client(), client()];
  return {
    stop: async () => {
      running = false;
      await Promise.all(clients);
    },
  };
}

/** Transfer ids the ledger posted entries for, funding transfers excluded. */
async function postedTransfers(ledgerUrl: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: ledgerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `select distinct e.transfer_id as id from entries e
         join accounts a on a.id = e.account_id
        where e.direction = 'debit' and not a.is_funding`,
    );
    return new Set(rows.map((r) => r.id));
  } finally {
    await client.end();
  }
}

/** An admin session that no setting of the fault applies to. */
async function admin(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'test-admin' });
  await client.connect();
  await client.query(`set statement_timeout = 0; set default_transaction_read_only = off`);
  return client;
}

/**
 * Another client takes every connection the server has left, then the ledger's connections are
 * ended, so that its reconnects meet "too many clients" (53300) until the hog lets go.
 */
async function exhaustConnections(url: string): Promise<void> {
  const control = await admin(url);
  const hog: pg.Client[] = [];
  const fill = async (): Promise<void> => {
    for (;;) {
      const client = new pg.Client({ connectionString: url, application_name: 'hog' });
      try {
        await client.connect();
        hog.push(client);
      } catch {
        await client.end().catch(() => undefined);
        return; // full
      }
    }
  };
  try {
    await fill();
    await control.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ledger'`,
    );
    await fill(); // the slots the ledger had
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  } finally {
    await Promise.all(hog.map((c) => c.end().catch(() => undefined)));
    await control.end();
  }
}

/** The whole server read-only for a while (a failover to a standby looks like this), then back. */
async function readOnlyFor(url: string): Promise<void> {
  const control = await admin(url);
  try {
    await control.query(`alter system set default_transaction_read_only = on`);
    await control.query(`select pg_reload_conf()`);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  } finally {
    await control.query(`alter system reset default_transaction_read_only`);
    await control.query(`select pg_reload_conf()`);
    await control.end();
  }
}

/**
 * Statements cancelled by a short statement_timeout: the accounts table is locked meanwhile, so
 * the ledger's statements wait for the lock and are cancelled (57014) until both end.
 */
async function statementTimeoutFor(url: string, ledgerUrl: string): Promise<void> {
  const control = await admin(url);
  const locker = await admin(ledgerUrl);
  try {
    await control.query(`alter system set statement_timeout = '200ms'`);
    await control.query(`select pg_reload_conf()`);
    await locker.query(`begin; lock table accounts in share row exclusive mode`);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  } finally {
    await locker.query(`rollback`).catch(() => undefined);
    await control.query(`alter system reset statement_timeout`);
    await control.query(`select pg_reload_conf()`);
    await Promise.all([locker.end(), control.end()]);
  }
}
