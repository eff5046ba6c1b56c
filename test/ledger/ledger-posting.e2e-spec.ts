import { randomUUID } from 'node:crypto';
import { EventHeaders } from '#contracts';
import { DeadLetterHeaders } from '#kafka-eos';
import { waitFor } from '#test-infra';
import { readCommitted } from '../support/read-topic.js';
import { ledgerAuthorization } from '../support/service-credentials.js';
import { countByTransfer, LedgerFixture, type LedgerInstance } from './ledger-fixture.js';

const MAX_ATTEMPTS = 3;
let fx: LedgerFixture;

describe('ledger posting', () => {
  let ledger: LedgerInstance;

  beforeAll(async () => {
    fx = await LedgerFixture.create('ledger-posting');
    ledger = await fx.startLedger({ POSTING_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('reports readiness with its database, Kafka and its posting consumer', async () => {
    // Posting starts in the background; the ledger is ready once it consumes.
    const body = await waitFor(
      async () => {
        const response = await fetch(`${ledger.url}/health/ready`);
        return response.status === 200 && ((await response.json()) as Record<string, unknown>);
      },
      { description: 'the ledger ready', timeoutMs: 30_000 },
    );
    expect(body).toMatchObject({
      info: {
        database: { status: 'up' },
        kafka: { status: 'up' },
        posting: { status: 'up', state: 'running' },
      },
      capabilities: { posting: true },
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
      (
        (await (
          await fetch(`${ledger.url}/accounts/${id}`, { headers: ledgerAuthorization })
        ).json()) as {
          balance: string;
        }
      ).balance;
    expect(await balance(alice)).toBe('400');
    expect(await balance(bob)).toBe('600');
    const entries = (await (
      await fetch(`${ledger.url}/accounts/${bob}/entries`, { headers: ledgerAuthorization })
    ).json()) as {
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

  it('dead-letters a poison record and goes on with the next ones; answers it with a rejection when it names a transfer', async () => {
    const payer = await fx.openAccount(ledger, 'EUR', 100n);
    const payee = await fx.openAccount(ledger, 'EUR');
    const before = fx.transfer(payer, payee, 10n);
    const after = fx.transfer(payer, payee, 20n);
    const notJson = randomUUID(); // named only by the event-id header
    const invalid = fx.transfer(payer, payee, 5n); // named only by its value
    // Same key, so all share a partition and the poison records sit between the good ones.
    await fx.send([
      before,
      {
        raw: '{"type":"TransferRequested","amount":',
        key: payer,
        headers: { [EventHeaders.eventId]: notJson },
      },
      { raw: JSON.stringify({ ...invalid, amount: '5.00' }), key: payer },
      { raw: 'neither JSON nor an id', key: payer },
      after,
    ]);
    await fx.waitForApplied(90_000, [notJson, invalid.transferId]);
    // `after` follows the poison in its partition: with its result, theirs are committed too.
    await fx.waitForResults();

    const dead = await readCommitted(fx.kafka, fx.deadLetter);
    expect(dead.map((d) => [d.value, d.headers[DeadLetterHeaders.answered]])).toEqual([
      ['{"type":"TransferRequested","amount":', 'true'],
      [JSON.stringify({ ...invalid, amount: '5.00' }), 'true'],
      ['neither JSON nor an id', 'false'],
    ]);
    expect(dead[0]?.headers[DeadLetterHeaders.reason]).toMatch(/not JSON/);
    expect(dead[1]?.headers[DeadLetterHeaders.reason]).toMatch(/amount/);
    expect(dead[0]?.headers[DeadLetterHeaders.sourceTopic]).toBe(fx.requested);
    const results = await fx.resultEvents();
    const counts = countByTransfer(results);
    expect(
      [before, after, { transferId: notJson }, invalid].map((t) => counts.get(t.transferId)),
    ).toEqual([1, 1, 1, 1]);
    for (const id of [notJson, invalid.transferId]) {
      expect(results.find((r) => r.transferId === id)).toMatchObject({
        type: 'TransferRejected',
        reason: 'INVALID_REQUEST',
      });
    }
    // Nothing was posted for the poison: 100 - 10 - 20.
    expect(await balanceOf(payer)).toBe('70');

    // The rejection is the transfer's one decision: a valid request with the same id later
    // (a replay after a fix, or a forgery) is answered with it again and posts nothing.
    await fx.send([{ ...invalid, amount: '5' }]);
    await waitFor(
      async () => countByTransfer(await fx.resultEvents()).get(invalid.transferId) === 2,
      { description: 'the stored answer to the repeated request', timeoutMs: 60_000 },
    );
    expect((await fx.resultEvents()).filter((r) => r.transferId === invalid.transferId)).toEqual([
      expect.objectContaining({ reason: 'INVALID_REQUEST' }),
      expect.objectContaining({ reason: 'INVALID_REQUEST' }),
    ]);
    expect(await balanceOf(payer)).toBe('70');
    expect(await fx.ledgerInvariants()).toMatchObject({ totalBalance: '0', entriesNotPaired: 0 });
  });

  it('rejects a request that fails every attempt with PROCESSING_FAILED, posting nothing', async () => {
    const payer = await fx.openAccount(ledger, 'EUR', 100n);
    const payee = await fx.openAccount(ledger, 'EUR');
    const doomed = fx.transfer(payer, payee, 40n);
    const fine = fx.transfer(payer, payee, 1n);
    // An error no waiting cures, injected in the database for this transfer's postings only.
    await fx.query(`
      create function refuse_doomed() returns trigger language plpgsql as $$
      begin
        if new.transfer_id = '${doomed.transferId}' then raise exception 'injected fault'; end if;
        return new;
      end $$`);
    await fx.query(
      `create trigger refuse_doomed before insert on entries for each row execute function refuse_doomed()`,
    );
    try {
      await fx.send([doomed, fine]);
      await fx.waitForApplied();
    } finally {
      await fx.query(`drop trigger refuse_doomed on entries`);
    }
    await fx.waitForResults();
    const results = new Map((await fx.resultEvents()).map((r) => [r.transferId, r]));
    expect(results.get(doomed.transferId)).toMatchObject({
      type: 'TransferRejected',
      reason: 'PROCESSING_FAILED',
    });
    expect(results.get(fine.transferId)).toMatchObject({ type: 'TransferSettled' });
    const dead = await readCommitted(fx.kafka, fx.deadLetter);
    const doomedDead = dead.filter((d) => d.headers[EventHeaders.eventId] === doomed.transferId);
    expect(doomedDead).toHaveLength(1);
    expect(doomedDead[0]?.headers).toMatchObject({
      [DeadLetterHeaders.attempts]: String(MAX_ATTEMPTS),
      [DeadLetterHeaders.answered]: 'true',
      [DeadLetterHeaders.reason]: expect.stringMatching(/injected fault/) as unknown,
    });
    expect(await balanceOf(payer)).toBe('99');
  });
});

async function balanceOf(id: string): Promise<string> {
  const [row] = await fx.query<{ balance: string }>(
    `select (credits_posted - debits_posted)::text as balance from accounts where id = $1`,
    [id],
  );
  return row?.balance ?? '?';
}
