import { waitFor } from '#test-infra';
import { countByTransfer, LedgerFixture } from './ledger-fixture.js';

/**
 * The ledger killed or frozen at the instants that matter. Afterwards every transfer is posted
 * once and has exactly one result on the results topic (read with read_committed).
 */
describe('ledger under faults', () => {
  let fx: LedgerFixture;

  beforeEach(async () => {
    fx = await LedgerFixture.create('ledger-faults');
  });
  afterEach(async () => {
    await fx?.close();
  });

  async function fundedAccounts(count: number): Promise<string[]> {
    const setup = await fx.startLedger({ POSTING_ENABLED: 'false' });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await fx.openAccount(setup, 'EUR', 10_000n));
    await setup.process.stop();
    return ids;
  }

  async function sendTransfers(accounts: string[], count: number): Promise<void> {
    const events = Array.from({ length: count }, (_, i) =>
      fx.transfer(
        accounts[i % accounts.length] ?? '',
        accounts[(i + 1) % accounts.length] ?? '',
        BigInt(1 + (i % 7)),
      ),
    );
    await fx.send(events);
  }

  /** 60 transfers among 4 funded accounts, waiting in the request topic. */
  async function sendToFundedAccounts(): Promise<void> {
    const accounts = await fundedAccounts(4);
    fundingTransfers = accounts.length;
    await sendTransfers(accounts, 60);
  }

  /** A ledger started to freeze (SIGSTOP) at `pauseAt`; returns once it has. */
  async function startFrozen(pauseAt: string, env: Record<string, string> = {}) {
    const frozen = await fx.startLedger({ EOS_PAUSE_AT: pauseAt, ...env });
    await waitFor(() => frozen.process.log.includes('SIGSTOP'), {
      description: `the ledger to freeze at ${pauseAt}`,
      timeoutMs: 60_000,
    });
    return frozen;
  }

  async function expectExactlyOnce(): Promise<void> {
    const counts = countByTransfer(await fx.resultEvents());
    const notOnce = fx.sent
      .filter((e) => counts.get(e.transferId) !== 1)
      .map((e) => [e.transferId, counts.get(e.transferId) ?? 0]);
    expect(notOnce).toEqual([]);
    expect([...counts.keys()].length).toBe(fx.sent.length);
    const [inbox] = await fx.query<{ n: number }>(
      `select count(*)::int as n from inbox where result is not null`,
    );
    expect(inbox?.n).toBe(fx.sent.length + fundingTransfers);
    expect(await fx.ledgerInvariants()).toEqual({
      totalBalance: '0',
      accountsOffBySum: 0,
      negativeWithoutFlag: 0,
      entriesNotPaired: 0,
    });
  }
  let fundingTransfers = 0;

  it.each([
    ['after its database commit, before its Kafka commit', 'ledger.after-db-commit:7'],
    ['in the middle of a Kafka transaction', 'eos.before-commit:1'],
  ])('applies each transfer once when killed %s', async (_when, crashAt) => {
    await sendToFundedAccounts();

    const crashing = await fx.startLedger({ EOS_CRASH_AT: crashAt });
    expect((await crashing.process.exited).signal).toBe('SIGKILL');
    // The database is ahead of Kafka: some transfers are posted whose results never committed.
    const [posted] = await fx.query<{ n: number }>(`select count(*)::int as n from inbox`);
    expect(posted?.n).toBeGreaterThan(fundingTransfers);

    await fx.startLedger();
    await fx.waitForApplied();
    await fx.waitForResults();
    await expectExactlyOnce();
  });

  it('is back long before its transaction timeout when restarted after a kill under its own KAFKA_INSTANCE_ID', async () => {
    // With one transactional producer per instance (KAFKA_CLIENT=confluent) only a producer with
    // the same id aborts the killed instance's open transaction before its timeout; until then
    // the partitions it sent offsets for cannot be claimed (the offset read waits). The timeout
    // here is longer than the whole wait below, so waiting it out cannot pass. (Under kafkajs the
    // per-partition ids abort it anyway.)
    await sendToFundedAccounts();
    const env = { KAFKA_INSTANCE_ID: 'ledger-0', KAFKA_TRANSACTION_TIMEOUT_MS: '120000' };
    const crashing = await fx.startLedger({ EOS_CRASH_AT: 'eos.before-commit:1', ...env });
    expect((await crashing.process.exited).signal).toBe('SIGKILL');

    await fx.startLedger(env);
    await fx.waitForApplied(45_000);
    await fx.waitForResults(45_000);
    await expectExactlyOnce();
  });

  it('fences a zombie instance that resumes after its partitions moved to another instance', async () => {
    await sendToFundedAccounts();

    // Frozen inside its first Kafka transaction (the 60 transfers may all be one batch, so there
    // need not be a second): database commit done, results and offsets sent, commit to come. Its
    // session expires and its partitions move to the successor. Its other partitions' batches
    // freeze wherever they are, possibly holding account locks (the next test makes that sure).
    const zombie = await startFrozen('eos.before-commit:1');
    const successor = await fx.startLedger();
    await fx.waitForApplied();
    await fx.waitForResults();

    // Resumed, the zombie goes straight on to commit: the broker must refuse it.
    zombie.process.kill('SIGCONT');
    await waitFor(() => zombie.process.log.includes('fenced'), {
      description: 'the zombie to be fenced',
      timeoutMs: 60_000,
    });
    await successor.process.stop();
    await zombie.process.stop();
    await expectExactlyOnce();
  });

  it('does not hold up its successor when frozen holding account locks in a database transaction', async () => {
    await sendToFundedAccounts();

    // Frozen with the accounts of its first batch locked (every transfer touches those four),
    // inside an open database transaction; its Kafka session expires, its partitions move on.
    const zombie = await startFrozen('ledger.accounts-locked:1');
    const [held] = await fx.query<{ n: number }>(
      `select count(*)::int as n from pg_locks l join pg_stat_activity a using (pid)
        where a.state = 'idle in transaction' and a.datname = current_database()
          and l.relation = 'accounts'::regclass`,
    );
    expect(held?.n).toBeGreaterThan(0);

    // The server ends the frozen session (DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, 10 s by
    // default) and its locks with it: the successor posts everything while the zombie sleeps.
    const successor = await fx.startLedger();
    await fx.waitForApplied();
    await fx.waitForResults();

    // Resumed, the zombie finds its connection ended, waits that out like an outage, and
    // whatever it does next (the stored results, a commit) the broker refuses.
    zombie.process.kill('SIGCONT');
    await waitFor(() => zombie.process.log.includes('25P03'), {
      description: 'the zombie to meet its ended session',
      timeoutMs: 60_000,
    });
    await successor.process.stop();
    await zombie.process.stop();
    await expectExactlyOnce();
  });

  it('carries on with a new producer when its coordinator aborted a transaction it was paused in', async () => {
    await sendToFundedAccounts();

    // Frozen inside its first Kafka transaction past its transaction timeout, but well within
    // its session: the partitions stay this instance's, nobody fences it, yet its coordinator
    // aborts the transaction and bumps the producer's epoch.
    const paused = await startFrozen('eos.before-commit:1', {
      KAFKA_TRANSACTION_TIMEOUT_MS: '3000',
      KAFKA_SESSION_TIMEOUT_MS: '60000',
    });
    // The open transaction holds back read_committed readers of the results: this read ends only
    // once the coordinator has aborted it (its results were never committed).
    expect(await fx.resultEvents()).toEqual([]);
    paused.process.kill('SIGCONT');
    await fx.waitForApplied();
    await fx.waitForResults();
    expect(paused.process.log).toMatch(/ran past its timeout and was aborted/);
    expect(paused.process.log).not.toMatch(/taken over by another instance/);
    expect(paused.process.running).toBe(true);
    await paused.process.stop();
    await expectExactlyOnce();
  });
});
