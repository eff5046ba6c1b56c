import pg from 'pg';
import { waitFor } from '#test-infra';
import { countByTransfer, LedgerFixture, type LedgerInstance } from './ledger-fixture.js';

let fx: LedgerFixture;

/**
 * SIGTERM while a batch is in the middle of its database transaction: the transport's consumers
 * stop first (the batch in progress finishes: its database commit, then its Kafka transaction),
 * and only then does the database pool close. In the other order the batch would lose its
 * connection half-way and its results would wait for the next instance.
 */
describe('ledger shutdown', () => {
  let ledger: LedgerInstance;

  beforeAll(async () => {
    fx = await LedgerFixture.create('ledger-shutdown');
    ledger = await fx.startLedger();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('stops consuming, finishes the batch in progress, then closes the database', async () => {
    const alice = await fx.openAccount(ledger, 'EUR', 1_000n);
    const bob = await fx.openAccount(ledger, 'EUR');
    const transfers = [fx.transfer(alice, bob, 10n), fx.transfer(alice, bob, 20n)];
    // Hold alice's row: the ledger's batch waits for it inside its database transaction.
    const holder = new pg.Client({ connectionString: fx.db.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select 1 from accounts where id = $1 for update', [alice]);
    await fx.send(transfers);
    await waitFor(
      async () => {
        const [row] = await fx.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
            where wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
        );
        return (row?.n ?? 0) > 0;
      },
      { description: 'the ledger waiting for the held account', timeoutMs: 30_000 },
    );

    ledger.process.kill('SIGTERM');
    // The shutdown has begun (the HTTP listener closes first) while the batch still waits.
    await waitFor(
      () =>
        fetch(`${ledger.url}/health/live`).then(
          () => false,
          () => true,
        ),
      { description: 'the ledger no longer serving HTTP', timeoutMs: 10_000 },
    );
    expect(ledger.process.running).toBe(true);
    await holder.query('commit');
    await holder.end();

    // Nest closes the app, then raises the signal again for the default action.
    const exit = await ledger.process.exited;
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(ledger.process.log).not.toMatch(/"level":"error"/);
    // The batch in progress (it holds the first transfer) was applied and answered by the
    // instance that was stopping, with no other instance running. What else that batch held
    // depends on the client: kafkajs hands both records over in one batch; the Confluent
    // client's first batch after a join is a single record, and stopping leaves the second.
    const applied = await fx.query<{ event_id: string }>(
      'select event_id from inbox where result is not null and event_id = any($1::uuid[])',
      [transfers.map((t) => t.eventId)],
    );
    expect(applied.map((row) => row.event_id)).toContain(transfers[0]?.eventId);
    const answered = countByTransfer(await fx.resultEvents());
    expect(answered.get(transfers[0]?.transferId ?? '')).toBe(1);

    // Whatever the stopping instance left, the next one applies: each transfer once.
    await fx.startLedger();
    await fx.waitForApplied(30_000);
    await fx.waitForResults(30_000);
    const counts = countByTransfer(await fx.resultEvents());
    expect(transfers.map((t) => counts.get(t.transferId))).toEqual([1, 1]);
    expect(await fx.ledgerInvariants()).toEqual({
      totalBalance: '0',
      accountsOffBySum: 0,
      negativeWithoutFlag: 0,
      entriesNotPaired: 0,
    });
  });
});
