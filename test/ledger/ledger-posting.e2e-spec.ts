import { DeadLetterHeaders } from '#kafka-eos';
import { readCommitted } from '../support/read-topic.js';
import { countByTransfer, LedgerFixture, type LedgerInstance } from './ledger-fixture.js';

describe('ledger posting', () => {
  let fx: LedgerFixture;
  let ledger: LedgerInstance;

  beforeAll(async () => {
    fx = await LedgerFixture.create('ledger-posting');
    ledger = await fx.startLedger();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('reports readiness with its database and Kafka', async () => {
    const response = await fetch(`${ledger.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      info: { database: { status: 'up' }, kafka: { status: 'up' } },
    });
  });

  it('settles funded transfers, rejects the rest with a reason, and keeps balances summing to zero', async () => {
    const alice = await fx.openAccount(ledger, 'EUR', 1_000n);
    const bob = await fx.openAccount(ledger, 'EUR');
    const dollars = await fx.openAccount(ledger, 'USD', 500n);
    const paid = fx.transfer(alice, bob, 600n);
    const tooMuch = fx.transfer(alice, bob, 401n); // 400 left after the first
    const unknown = fx.transfer(alice, '00000000-0000-4000-8000-000000000001', 1n);
    const mixed = fx.transfer(dollars, bob, 1n, 'USD');
    await fx.send([paid, tooMuch, unknown, mixed]);
    await fx.waitForApplied();

    const results = new Map((await fx.resultEvents()).map((r) => [r.transferId, r]));
    expect(results.get(paid.transferId)).toMatchObject({ type: 'TransferSettled', amount: '600' });
    expect(results.get(tooMuch.transferId)).toMatchObject({
      type: 'TransferRejected',
      reason: 'INSUFFICIENT_FUNDS',
    });
    expect(results.get(unknown.transferId)).toMatchObject({
      type: 'TransferRejected',
      reason: 'UNKNOWN_ACCOUNT',
    });
    expect(results.get(mixed.transferId)).toMatchObject({
      type: 'TransferRejected',
      reason: 'CURRENCY_MISMATCH',
    });

    const balance = async (id: string) =>
      ((await (await fetch(`${ledger.url}/accounts/${id}`)).json()) as { balance: string }).balance;
    expect(await balance(alice)).toBe('400');
    expect(await balance(bob)).toBe('600');
    const entries = (await (await fetch(`${ledger.url}/accounts/${bob}/entries`)).json()) as {
      entries: unknown[];
    };
    expect(entries.entries).toEqual([
      expect.objectContaining({ transferId: paid.transferId, direction: 'credit', amount: '600' }),
    ]);
    expect(await fx.ledgerInvariants()).toEqual({
      totalBalance: '0',
      accountsOffBySum: 0,
      negativeWithoutFlag: 0,
      entriesNotPaired: 0,
    });
  });

  it('posts a batch in one database transaction, each decision on the balances its earlier transfers left', async () => {
    const payer = await fx.openAccount(ledger, 'EUR', 100n);
    const payee = await fx.openAccount(ledger, 'EUR');
    // One Kafka transaction, one key: one partition, fetched as one batch by the idle ledger.
    const batch = [30n, 30n, 30n, 30n, 5n].map((amount) => fx.transfer(payer, payee, amount));
    await fx.send(batch);
    await fx.waitForApplied();

    const results = new Map((await fx.resultEvents()).map((r) => [r.transferId, r]));
    expect(batch.map((t) => results.get(t.transferId)?.type)).toEqual([
      'TransferSettled',
      'TransferSettled',
      'TransferSettled',
      'TransferRejected', // 10 left
      'TransferSettled',
    ]);
    const [{ balance } = { balance: '' }] = await fx.query<{ balance: string }>(
      `select (credits_posted - debits_posted)::text as balance from accounts where id = $1`,
      [payer],
    );
    expect(balance).toBe('5');
    // now() is the start of the transaction: one value for all five inbox rows.
    const [{ n } = { n: 0 }] = await fx.query<{ n: number }>(
      `select count(distinct received_at)::int as n from inbox where event_id = any($1::uuid[])`,
      [batch.map((t) => t.eventId)],
    );
    expect(n).toBe(1);
  });

  it('sends a poison record to the dead-letter topic and goes on with the next ones', async () => {
    const payer = await fx.openAccount(ledger, 'EUR', 100n);
    const payee = await fx.openAccount(ledger, 'EUR');
    const before = fx.transfer(payer, payee, 10n);
    const after = fx.transfer(payer, payee, 20n);
    // Same key, so all three share a partition and the poison sits between the two.
    await fx.send([before, { raw: '{"type":"TransferRequested","amount":', key: payer }, after]);
    await fx.waitForApplied();

    const dead = await readCommitted(fx.kafka, fx.deadLetter);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.value).toBe('{"type":"TransferRequested","amount":');
    expect(dead[0]?.headers[DeadLetterHeaders.reason]).toMatch(/not JSON/);
    expect(dead[0]?.headers[DeadLetterHeaders.sourceTopic]).toBe(fx.requested);
    const counts = countByTransfer(await fx.resultEvents());
    expect([counts.get(before.transferId), counts.get(after.transferId)]).toEqual([1, 1]);
  });
});
