import { randomInt } from 'node:crypto';
import pg from 'pg';
import { LocalPostgres, waitFor } from '#test-infra';
import {
  exhaustConnections,
  readOnlyFor,
  statementTimeoutFor,
} from '../support/database-faults.js';
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
      () => exhaustConnections(server.url, OUTAGE_MS),
      /53300/,
    ],
    [
      'switched to read-only (default_transaction_read_only) and back',
      () => readOnlyFor(server.url, OUTAGE_MS),
      /25006/,
    ],
    [
      'cancelling statements (statement_timeout) behind a lock',
      () => statementTimeoutFor(server.url, fx.ledgerDb.url, 'accounts', OUTAGE_MS),
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
