import { waitFor } from '#test-infra';
import { countByTransfer, LedgerFixture, type LedgerInstance } from '../ledger/ledger-fixture.js';
import { readCommitted } from '../support/read-topic.js';
import { runDlq, runDlqJson } from './dlq-cli.js';

interface Group {
  reason: string;
  count: number;
  examples: string[];
  sources: Record<string, number[]>;
  attempts: { min: number; max: number } | null;
  answered: { yes: number; no: number; unknown: number };
  records: string[];
}
interface Summary {
  topic: string;
  exists: boolean;
  total: number;
  groups: Group[];
}
interface Report {
  replayed: Array<{ deadLetter: string }>;
  skipped: Array<{ deadLetter: string; why: string }>;
}

/**
 * A real ledger dead-letters what it cannot apply: records that are not JSON, JSON with invalid
 * fields, and valid transfers whose postings the database refuses (a trigger standing in for a
 * bug or a misconfiguration, failing POSTING_MAX_ATTEMPTS times; the ledger answers them
 * rejected, PROCESSING_FAILED). The operator lists them and looks at one. After the fix, the
 * answered transfers stay rejected: a replay skips them, and a forced replay only repeats their
 * stored answer. Replaying the records that are not JSON only dead-letters them again.
 */
describe('dlq: the ledger’s dead letters, listed, shown and replayed after a fix', () => {
  let fx: LedgerFixture;
  let ledger: LedgerInstance;
  let env: Record<string, string>;
  let payer: string;
  let frozen: string[];
  let toFrozen: ReturnType<LedgerFixture['transfer']>[];
  let refused: ReturnType<LedgerFixture['transfer']>;
  /** Coordinates of the dead letters the tests replayed. */
  const replayed: string[] = [];

  const list = async (): Promise<Summary> =>
    (await runDlqJson<{ topics: Summary[] }>(['list', '--topic', 'ledger'], env))
      .topics[0] as Summary;
  const group = (summary: Summary, prefix: string): Group | undefined =>
    summary.groups.find((g) => g.reason.startsWith(prefix));

  beforeAll(async () => {
    fx = await LedgerFixture.create('dlq-ledger');
    ledger = await fx.startLedger({ POSTING_MAX_ATTEMPTS: '2' });
    env = {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      TOPIC_DEAD_LETTER: fx.deadLetter,
      TOPIC_TRANSFER_RESULTS: fx.results,
    };
    await fx.query(`create table frozen_accounts (id uuid primary key)`);
    await fx.query(`
      create function refuse_frozen_entries() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from frozen_accounts where id = new.account_id) then
          raise exception 'entries for account % are frozen', new.account_id;
        end if;
        return new;
      end $$`);
    await fx.query(`
      create trigger refuse_frozen_entries before insert on entries
        for each row execute function refuse_frozen_entries()`);
    // A transfer the database refuses to record at all: neither its posting nor a rejection can
    // be stored, so its dead letter goes unanswered and it stays pending until replayed.
    await fx.query(`create table refused_events (id uuid primary key)`);
    await fx.query(`
      create function refuse_events() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from refused_events where id = new.event_id) then
          raise exception 'event % is refused', new.event_id;
        end if;
        return new;
      end $$`);
    await fx.query(`
      create trigger refuse_events before insert on inbox
        for each row execute function refuse_events()`);

    payer = await fx.openAccount(ledger, 'EUR', 1_000n);
    frozen = [await fx.openAccount(ledger, 'EUR'), await fx.openAccount(ledger, 'EUR')];
    for (const id of frozen) await fx.query(`insert into frozen_accounts values ($1)`, [id]);
    toFrozen = [fx.transfer(payer, frozen[0] ?? '', 10n), fx.transfer(payer, frozen[1] ?? '', 20n)];
    refused = fx.transfer(payer, frozen[0] ?? '', 5n);
    await fx.query(`insert into refused_events values ($1)`, [refused.eventId]);
    const invalid = (): string =>
      JSON.stringify({ ...fx.transfer(payer, frozen[0] ?? '', 1n), amount: '-5' });
    // One key: one partition, in this order.
    await fx.send([
      { raw: '{"type":"TransferRequested","amount":', key: payer },
      { raw: invalid(), key: payer },
      ...toFrozen,
      refused,
      { raw: 'not JSON at all', key: payer },
      { raw: invalid(), key: payer },
    ]);
    await waitFor(async () => (await list()).total === 7, {
      description: 'seven dead letters from the ledger',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('lists them by reason, with sources, attempts and records (the real CLI)', async () => {
    const { topics } = await runDlqJson<{ topics: Summary[] }>(['list'], env);
    expect(topics.map((t) => [t.topic, t.exists, t.total])).toEqual([
      [fx.deadLetter, true, 7],
      [`${fx.results}.dlq`, false, 0],
    ]);
    const ledgerDlq = topics[0] as Summary;
    expect(ledgerDlq.groups).toHaveLength(4);
    const frozenGroup = group(ledgerDlq, 'entries for account <uuid> are frozen');
    expect(frozenGroup).toMatchObject({
      count: 2,
      attempts: { min: 2, max: 2 },
      answered: { yes: 2, no: 0, unknown: 0 },
    });
    expect(frozenGroup?.examples.sort()).toEqual(
      frozen.map((id) => `entries for account ${id} are frozen`).sort(),
    );
    expect(Object.keys(frozenGroup?.sources ?? {})).toEqual([fx.requested]);
    expect(group(ledgerDlq, 'value is not JSON')).toMatchObject({
      count: 2,
      attempts: { min: 1, max: 1 },
    });
    expect(
      group(ledgerDlq, 'not a TransferRequested v1: amount: must be a positive whole number'),
    ).toMatchObject({
      count: 2,
    });

    const text = await runDlq(['list'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${fx.deadLetter}: 7 dead letters`);
    expect(text.stdout).toContain('  2× entries for account <uuid> are frozen');
    expect(text.stdout).toContain(`${fx.results}.dlq: no such topic`);
  });

  it('shows one of them in full', async () => {
    const at = group(await list(), 'entries for account')?.records[0] ?? '';
    const shown = await runDlq(['show', 'ledger', at], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`${fx.deadLetter} ${at}, dead-lettered at `);
    expect(shown.stdout).toContain(`  dlq-reason: entries for account ${frozen[0]} are frozen`);
    expect(shown.stdout).toContain(`  dlq-source-topic: ${fx.requested}`);
    expect(shown.stdout).toContain('  dlq-attempts: 2');
    expect(shown.stdout).toContain(`  event-id: ${toFrozen[0]?.eventId}`);
    expect(shown.stdout).toContain(`value (utf-8, `);
    expect(shown.stdout).toContain(JSON.stringify(toFrozen[0]));
  });

  it('after the fix, leaves the answered transfers rejected: a replay skips them, and a forced one is answered with the same rejection and posts nothing', async () => {
    await fx.query(`delete from frozen_accounts`);
    // The ledger answered each with TransferRejected PROCESSING_FAILED when it dead-lettered it:
    // payments settled them rejected, so applying them now would move money for transfers the
    // client was told failed. The inbox keeps that decision.
    const plain = await runDlqJson<Report>(['replay', 'ledger', '--reason', 'are frozen'], env);
    expect(plain.replayed).toEqual([]);
    expect(plain.skipped.map((s) => s.why)).toEqual([
      expect.stringMatching(/answered/),
      expect.stringMatching(/answered/),
    ]);

    const forced = await runDlqJson<Report>(
      ['replay', 'ledger', '--reason', 'are frozen', '--include-answered'],
      env,
    );
    expect(forced.replayed).toHaveLength(2);
    replayed.push(...forced.replayed.map((r) => r.deadLetter));
    await waitFor(
      async () => {
        const counts = countByTransfer(await fx.resultEvents());
        return toFrozen.every((t) => counts.get(t.transferId) === 2);
      },
      { description: 'the stored answers to the replayed transfers', timeoutMs: 60_000 },
    );
    const again = await runDlqJson<Report>(
      ['replay', 'ledger', '--reason', 'are frozen', '--include-answered'],
      env,
    );
    expect(again.replayed).toEqual([]);
    expect(again.skipped.map((s) => s.why)).toEqual([
      expect.stringMatching(/^already replayed/),
      expect.stringMatching(/^already replayed/),
    ]);

    const results = await fx.resultEvents();
    for (const t of toFrozen) {
      expect(results.filter((r) => r.transferId === t.transferId)).toEqual([
        expect.objectContaining({ type: 'TransferRejected', reason: 'PROCESSING_FAILED' }),
        expect.objectContaining({ type: 'TransferRejected', reason: 'PROCESSING_FAILED' }),
      ]);
    }
    const [row] = await fx.query<{ n: number }>(
      `select count(*)::int as n from entries where transfer_id = any($1::uuid[])`,
      [toFrozen.map((t) => t.transferId)],
    );
    expect(row?.n).toBe(0);
    expect(await fx.ledgerInvariants()).toMatchObject({ totalBalance: '0', entriesNotPaired: 0 });
  });

  it('after the fix, replays the transfer nothing could be recorded for: the ledger applies it once', async () => {
    expect(group(await list(), 'event <uuid> is refused')).toMatchObject({
      count: 1,
      answered: { yes: 0, no: 1, unknown: 0 },
    });
    await fx.query(`delete from refused_events`);
    const replay = await runDlqJson<Report>(['replay', 'ledger', '--reason', 'is refused'], env);
    expect(replay.replayed).toHaveLength(1);
    replayed.push(...replay.replayed.map((r) => r.deadLetter));
    await waitFor(
      async () => countByTransfer(await fx.resultEvents()).get(refused.transferId) === 1,
      { description: 'the replayed transfer answered', timeoutMs: 60_000 },
    );
    const results = await fx.resultEvents();
    expect(results.filter((r) => r.transferId === refused.transferId)).toEqual([
      expect.objectContaining({ type: 'TransferSettled', amount: '5' }),
    ]);
    expect(await fx.ledgerInvariants()).toMatchObject({ totalBalance: '0', entriesNotPaired: 0 });
  });

  it('replays what is not JSON into the same failure: the ledger dead-letters it again, marked as replayed', async () => {
    const replay = await runDlqJson<Report>(['replay', 'ledger', '--reason', 'not JSON'], env);
    const notJsonReplayed = replay.replayed.map((r) => r.deadLetter);
    expect(notJsonReplayed).toHaveLength(2);
    replayed.push(...notJsonReplayed);
    await waitFor(async () => (await list()).total === 9, {
      description: 'the two replayed records dead-lettered again',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    const notJson = group(await list(), 'value is not JSON');
    expect(notJson?.count).toBe(4);
    const newest = notJson?.records.at(-1) ?? '';
    const shown = await runDlq(['show', 'ledger', newest], env);
    expect(shown.stdout).toMatch(
      new RegExp(`  dlq-replayed-from: ${fx.deadLetter}:(${notJsonReplayed.join('|')})\\n`),
    );
  });

  // Last: the sentinel records the read appends to the requested topic are not JSON either, and
  // the ledger dead-letters them.
  it('put each replayed record on the requested topic once (read_committed)', async () => {
    const copies = (await readCommitted(fx.kafka, fx.requested)).flatMap(
      (r) => r.headers['dlq-replayed-from'] ?? [],
    );
    expect(copies.sort()).toEqual(replayed.map((c) => `${fx.deadLetter}:${c}`).sort());
    expect(replayed).toHaveLength(5);
  });
});
