import { PipelineFixture } from './pipeline-fixture.js';

/**
 * The money path end to end with real processes: POST /transfers to payments → outbox → relay →
 * Kafka → ledger posts it → result → settlement → GET /transfers shows the final status.
 */
describe('transfer flow through payments and the ledger', () => {
  let fx: PipelineFixture;

  beforeAll(async () => {
    fx = await PipelineFixture.create('transfer-flow');
    await Promise.all([fx.startLedger(), fx.startPayments()]);
  });
  afterAll(async () => {
    await fx?.close();
  });

  // Shared by the first two tests: the second spends from what the first left.
  let alice: string;
  let bob: string;

  it('completes a funded transfer and moves the money in the ledger', async () => {
    alice = await fx.openAccount(1_000n);
    bob = await fx.openAccount();

    const accepted = await fx.postTransfer(alice, bob, 600n);
    expect(accepted).toMatchObject({ status: 'pending', amount: '600' });

    const [settled] = await fx.waitForFinal([accepted.id]);
    expect(settled).toMatchObject({ id: accepted.id, status: 'completed' });
    expect(settled?.reason).toBeUndefined();
    expect([await fx.balance(alice), await fx.balance(bob)]).toEqual([400n, 600n]);
  });

  it("carries the caller's trace context to the log lines of every service the transfer crosses", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const payer = await fx.openAccount(100n);
    const payee = await fx.openAccount();
    const accepted = await fx.postTransfer(payer, payee, 10n, 'EUR', {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    await fx.waitForFinal([accepted.id]);
    const tagged = (kind: 'payments' | 'ledger') =>
      fx
        .jsonLogs(kind)
        .filter((line) => line.transferId === accepted.id)
        .map((line) => [line.traceId, line.message]);
    expect(tagged('payments')).toEqual(
      expect.arrayContaining([
        [traceId, expect.stringMatching(/transfer accepted/)],
        [traceId, 'transfer completed'],
      ]),
    );
    expect(tagged('ledger')).toEqual([[traceId, 'transfer settled']]);
  });

  it('rejects a transfer the balance cannot cover, and moves nothing', async () => {
    const accepted = await fx.postTransfer(alice, bob, 401n);

    const [settled] = await fx.waitForFinal([accepted.id]);
    expect(settled).toMatchObject({ status: 'rejected', reason: 'INSUFFICIENT_FUNDS' });
    expect([await fx.balance(alice), await fx.balance(bob)]).toEqual([400n, 600n]);
  });

  it('settles 30 concurrent transfers once each, with postings for exactly the completed ones', async () => {
    const accounts = await Promise.all([1, 2, 3].map(() => fx.openAccount(1_000n)));
    // A cycle a → b → c → a. a sends 10 × 300 but can hold at most 1,000 + 10 × 100, so some of
    // its transfers must be rejected; c sends 10 × 100 and never drops below 1,000 − 1,000, so
    // all of its transfers must complete. Which others complete depends on the interleaving.
    const amounts = [300n, 200n, 100n];
    const requests = Array.from({ length: 30 }, (_, i) => ({
      debit: accounts[i % 3] ?? '',
      credit: accounts[(i + 1) % 3] ?? '',
      amount: amounts[i % 3] ?? 0n,
    }));
    const accepted = await Promise.all(
      requests.map((r) => fx.postTransfer(r.debit, r.credit, r.amount)),
    );

    const final = await fx.waitForFinal(accepted.map((t) => t.id));
    const completed = final.filter((t) => t.status === 'completed');
    const rejected = final.filter((t) => t.status === 'rejected');
    expect(completed.length + rejected.length).toBe(30);
    expect(completed.length).toBeGreaterThanOrEqual(10);
    expect(rejected.length).toBeGreaterThan(0);
    expect(new Set(rejected.map((t) => t.reason))).toEqual(new Set(['INSUFFICIENT_FUNDS']));

    // Money only moved between the three: their total is what was funded, and each balance is
    // what payments' view of the outcomes implies.
    const balances = await Promise.all(accounts.map((id) => fx.balance(id)));
    expect(balances.reduce((sum, b) => sum + b, 0n)).toBe(3_000n);
    const expected = accounts.map(
      (id) =>
        1_000n +
        completed.reduce(
          (sum, t) =>
            sum +
            (t.creditAccountId === id ? BigInt(t.amount) : 0n) -
            (t.debitAccountId === id ? BigInt(t.amount) : 0n),
          0n,
        ),
    );
    expect(balances).toEqual(expected);

    // A debit and a credit entry for every completed transfer, none for a rejected one.
    const ids = new Set(accepted.map((t) => t.id));
    const postings = (
      await Promise.all(
        accounts.map(async (accountId) =>
          (await fx.entries(accountId)).map((e) => ({ ...e, accountId })),
        ),
      )
    )
      .flat()
      .filter((e) => ids.has(e.transferId))
      .map((e) => `${e.transferId} ${e.direction} ${e.accountId} ${e.amount}`);
    const expectedPostings = completed.flatMap((t) => [
      `${t.id} debit ${t.debitAccountId} ${t.amount}`,
      `${t.id} credit ${t.creditAccountId} ${t.amount}`,
    ]);
    expect(postings.sort()).toEqual(expectedPostings.sort());

    // Exactly one committed result per transfer ever posted in this file (fundings are
    // transfers too), and no others.
    const counts = await fx.resultCounts();
    const everyTransfer = [...fx.fundings, ...fx.posted];
    expect(Object.fromEntries(counts)).toEqual(
      Object.fromEntries(everyTransfer.map((id) => [id, 1])),
    );
  });

  it('counts what it did in its Prometheus metrics', async () => {
    // After the tests above: transfers accepted, completed and rejected, and committed transactions.
    const everyTransfer = fx.fundings.length + fx.posted.length;
    expect(await fx.metric('payments', 'payments_transfers_total{outcome="accepted"}')).toBe(
      everyTransfer,
    );
    expect(
      await fx.metric('payments', 'payments_transfers_total{outcome="completed"}'),
    ).toBeGreaterThan(0);
    expect(
      await fx.metric('payments', 'payments_transfers_total{outcome="rejected"}'),
    ).toBeGreaterThan(0);
    expect(await fx.metric('payments', 'relay_published_rows_total')).toBe(everyTransfer);
    expect(
      await fx.metric('ledger', 'kafka_transactions_total{outcome="committed"}'),
    ).toBeGreaterThan(0);
    expect(
      await fx.metric(
        'ledger',
        'ledger_transfers_total{outcome="rejected",reason="INSUFFICIENT_FUNDS"}',
      ),
    ).toBeGreaterThan(0);
  });
});
