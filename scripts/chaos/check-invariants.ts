import type { TransferResultV1 } from '#contracts';
import { EventHeaders } from '#contracts';
import { readCommitted, SENTINEL_HEADER, type ReadRecord } from '../../test/support/read-topic.js';
import { CHAOS_CLIENT, OPENING_BALANCE, type ChaosStack } from './chaos-stack.js';
import {
  checkAccountOrder,
  checkPositions,
  checkWithKafkaConsumer,
  readPositions,
} from './check-kafka.js';
import { row, type CheckRow } from './check-row.js';
import type { History } from './history.js';
import { POISON_CLIENT, type InjectedPoison } from './inject-poison.js';

export type { CheckRow } from './check-row.js';

/** What became of each accepted transfer, counted by its results on the results topic. */
export interface Tally {
  accepted: number;
  /** No result: the transfer never settles. */
  lost: number;
  /** More than one result. */
  duplicated: number;
  exactlyOnce: number;
}

interface TransferRow {
  id: string;
  key: string;
  status: string;
}

/** Every check, after the drain, with the services still running (reads go to the databases and topics). */
export async function checkInvariants(
  stack: ChaosStack,
  history: History,
): Promise<{ checks: CheckRow[]; tally: Tally }> {
  const { rows: transfers } = await stack.paymentsSql.query<TransferRow>(
    `select id, idempotency_key as key, status from transfers where client_id = $1`,
    [CHAOS_CLIENT],
  );
  const clientView = checkClientView(history, transfers);
  const ledger = await checkLedger(stack, transfers);
  const topics = await checkTopics(stack, history, transfers);
  // After the topic reads: their sentinel records end up in the dead-letter topics too.
  const deadLetters = await checkDeadLetters(stack);
  return {
    checks: [...clientView, ...ledger, ...topics.checks, ...deadLetters],
    tally: topics.tally,
  };
}

/**
 * Outages are waited out, never dead-lettered: the dead-letter topics hold only the poison the
 * run injected (and the sentinels the checks' own reads append), and every transfer forged with
 * a payload the ledger refuses ended rejected, INVALID_REQUEST, instead of pending.
 */
async function checkDeadLetters(stack: ChaosStack): Promise<CheckRow[]> {
  const { kafka, topics } = stack.fx;
  const { poison } = stack;
  const { rows: forged } = await stack.paymentsSql.query<{
    id: string;
    status: string;
    reason: string | null;
  }>(`select id, status, reason from transfers where client_id = $1`, [POISON_CLIENT]);
  const notSentinel = (r: ReadRecord): boolean => r.headers[SENTINEL_HEADER] === undefined;
  const requestDeadLetters = (await readCommitted(kafka, topics.deadLetter)).filter(notSentinel);
  const resultDeadLetters = (await readCommitted(kafka, `${topics.results}.dlq`)).filter(
    notSentinel,
  );
  return [
    row(
      'forged transfers the ledger cannot read end rejected (INVALID_REQUEST)',
      forged.length,
      forged
        .filter((t) => t.status !== 'rejected' || t.reason !== 'INVALID_REQUEST')
        .map((t) => `${t.id}: ${t.status} ${t.reason ?? ''}`),
    ),
    row(
      'request dead letters are injected poison only',
      requestDeadLetters.length,
      requestDeadLetters.filter((r) => !isInjected(r, poison)).map(describeRecord),
    ),
    row(
      'no result dead-lettered by settlement',
      resultDeadLetters.length,
      resultDeadLetters.map(describeRecord),
    ),
  ];
}

function isInjected(record: ReadRecord, poison: InjectedPoison): boolean {
  const ids = poison.ids();
  const header = record.headers[EventHeaders.eventId];
  if (header && ids.has(header)) return true;
  if (record.value === 'neither JSON nor an id') return true;
  try {
    const { transferId } = JSON.parse(record.value) as { transferId?: unknown };
    return typeof transferId === 'string' && ids.has(transferId);
  } catch {
    return false;
  }
}

function describeRecord(record: ReadRecord): string {
  return `${record.partition}:${record.offset} ${record.headers['dlq-reason'] ?? ''} ${record.value.slice(0, 80)}`;
}

/** What the clients were told against what payments holds. */
function checkClientView(history: History, transfers: TransferRow[]): CheckRow[] {
  const byKey = history.acceptedIdsByKey();
  const accepted = new Set([...byKey.values()].flatMap((ids) => [...ids]));
  const stored = new Map(transfers.map((t) => [t.id, t]));
  const final = (t: TransferRow | undefined): boolean =>
    t?.status === 'completed' || t?.status === 'rejected';
  const unknownKeys = [...history.keysWithUnknownOutcome()];
  const definiteFails = history.operations.filter((op) => op.outcome === 'fail');
  return [
    row(
      'accepted transfers stored by payments (none lost)',
      accepted.size,
      [...accepted].filter((id) => !stored.has(id)),
    ),
    row(
      'accepted transfers in a final status',
      accepted.size,
      [...accepted].filter((id) => !final(stored.get(id))),
    ),
    row(
      'stored transfers the client was answered for',
      transfers.length,
      transfers.filter((t) => !accepted.has(t.id)).map((t) => t.key),
    ),
    row(
      'one transfer id per idempotency key',
      byKey.size,
      [...byKey].filter(([, ids]) => ids.size !== 1).map(([key]) => key),
    ),
    row(
      'unknown outcomes resolved to the stored transfer',
      unknownKeys.length,
      unknownKeys.filter((key) => {
        const ids = [...(byKey.get(key) ?? [])];
        return ids.length !== 1 || stored.get(ids[0] ?? '')?.key !== key;
      }),
    ),
    row(
      'no definite failure answers (4xx)',
      history.operations.length,
      definiteFails.map((op) => `${op.request.idempotencyKey}: ${op.detail}`),
    ),
  ];
}

interface PostingRow {
  transfer_id: string;
  n: number;
  net: string;
}

interface AccountRow {
  id: string;
  balance: string;
  by_entries: string;
  allow_negative: boolean;
}

/** Entries per transfer, and each account's balance next to the sum of its entries. */
async function readLedger(
  stack: ChaosStack,
): Promise<{ postings: PostingRow[]; accounts: AccountRow[] }> {
  const { rows: postings } = await stack.ledgerSql.query<PostingRow>(
    `select transfer_id, count(*)::int as n,
            sum(case when direction = 'debit' then amount else -amount end)::text as net
       from entries group by transfer_id`,
  );
  const { rows: accounts } = await stack.ledgerSql.query<AccountRow>(
    `select id, (credits_posted - debits_posted)::text as balance, allow_negative,
            coalesce((select sum(case when e.direction = 'credit' then e.amount else -e.amount end)
                        from entries e where e.account_id = a.id), 0)::text as by_entries
       from accounts a`,
  );
  return { postings, accounts };
}

/** Postings and balances. */
async function checkLedger(stack: ChaosStack, transfers: TransferRow[]): Promise<CheckRow[]> {
  const { postings, accounts } = await readLedger(stack);
  const entriesOf = new Map(postings.map((p) => [p.transfer_id, p.n]));
  const postedAsStatus = (t: TransferRow): boolean =>
    (entriesOf.get(t.id) ?? 0) === (t.status === 'completed' ? 2 : 0);
  const total = accounts.reduce((sum, a) => sum + BigInt(a.balance), 0n);
  const chaosTotal = accounts
    .filter((a) => stack.accounts.includes(a.id))
    .reduce((sum, a) => sum + BigInt(a.balance), 0n);
  const funded = OPENING_BALANCE * BigInt(stack.accounts.length);
  return [
    row(
      'transfers with 0 or 2 balanced entries',
      postings.length,
      postings
        .filter((p) => p.n !== 2 || p.net !== '0')
        .map((p) => `${p.transfer_id}: ${p.n} entries`),
    ),
    row(
      'entries match the final status (2 completed, 0 rejected)',
      transfers.length,
      transfers
        .filter((t) => !postedAsStatus(t))
        .map((t) => `${t.id} ${t.status} ${entriesOf.get(t.id) ?? 0}`),
    ),
    row(
      'sum of all balances = 0 (funding account included)',
      accounts.length,
      total === 0n ? [] : [`sum ${total}`],
    ),
    row(
      'chaos accounts hold what was funded',
      stack.accounts.length,
      chaosTotal === funded ? [] : [`${chaosTotal} ≠ ${funded}`],
    ),
    row(
      'each balance = sum of its entries',
      accounts.length,
      accounts
        .filter((a) => a.balance !== a.by_entries)
        .map((a) => `${a.id}: ${a.balance} ≠ ${a.by_entries}`),
    ),
    row(
      'no account without overdraft negative',
      accounts.length,
      accounts
        .filter((a) => !a.allow_negative && BigInt(a.balance) < 0n)
        .map((a) => `${a.id}: ${a.balance}`),
    ),
  ];
}

/**
 * The committed content of the requested and results topics (read_committed), the consumer
 * groups' positions in them, per-account order, and a second opinion from Kafka's own consumer.
 */
async function checkTopics(
  stack: ChaosStack,
  history: History,
  transfers: TransferRow[],
): Promise<{ checks: CheckRow[]; tally: Tally }> {
  const { kafka, topics } = stack.fx;
  const positions = await readPositions(stack);
  const resultRecords = await readCommitted(kafka, topics.results);
  const results = resultRecords.map((r) => JSON.parse(r.value) as TransferResultV1);
  const requested = await readCommitted(kafka, topics.requested);
  const eventIdOf = (r: ReadRecord): string => r.headers[EventHeaders.eventId] ?? '?';
  const resultsOf = countBy(results.map((r) => r.transferId));
  // Only the records the relay published carry an event id; injected poison is left out here.
  const poisonIds = stack.poison.ids();
  const requestsOf = countBy(
    requested.map(eventIdOf).filter((id) => id !== '?' && !poisonIds.has(id)),
  );
  const resultEventIds = countBy(results.map((r) => r.eventId));
  const typeOf = new Map(results.map((r) => [r.transferId, r.type]));
  const expectedType = (t: TransferRow): string =>
    t.status === 'completed' ? 'TransferSettled' : 'TransferRejected';
  const accepted = new Set([...history.acceptedIdsByKey().values()].flatMap((ids) => [...ids]));
  const fundings = new Set(stack.fx.fundings);
  const resultCounts = [...accepted].map((id) => resultsOf.get(id) ?? 0);
  const tally: Tally = {
    accepted: accepted.size,
    lost: resultCounts.filter((n) => n === 0).length,
    duplicated: resultCounts.filter((n) => n > 1).length,
    exactlyOnce: resultCounts.filter((n) => n === 1).length,
  };
  const checks = [
    row(
      'exactly one result per stored transfer',
      transfers.length,
      transfers
        .filter((t) => resultsOf.get(t.id) !== 1)
        .map((t) => `${t.id}: ${resultsOf.get(t.id) ?? 0}`),
    ),
    row(
      'result type matches the final status',
      transfers.length,
      transfers
        .filter((t) => typeOf.get(t.id) !== expectedType(t))
        .map((t) => `${t.id}: ${t.status} / ${typeOf.get(t.id)}`),
    ),
    row(
      "exactly one result per funding (the operator's, at set-up)",
      fundings.size,
      [...fundings].filter((id) => resultsOf.get(id) !== 1),
    ),
    row(
      'no result for a transfer nobody accepted (injected poison aside)',
      resultsOf.size,
      [...resultsOf.keys()].filter(
        (id) => !accepted.has(id) && !fundings.has(id) && !poisonIds.has(id),
      ),
    ),
    row(
      'no event id twice on results (read_committed)',
      results.length,
      duplicates(resultEventIds),
    ),
    row(
      'no event id twice on requested (read_committed)',
      requested.length,
      duplicates(requestsOf),
    ),
    row(
      'every stored transfer requested on the topic',
      transfers.length,
      transfers.filter((t) => !requestsOf.has(t.id)).map((t) => t.id),
    ),
    ...checkPositions(
      positions,
      new Map([
        [topics.results, resultRecords],
        [topics.requested, requested],
      ]),
    ),
    ...(await checkAccountOrder(stack, requested, eventIdOf)),
    ...(await checkWithKafkaConsumer(stack, results)),
  ];
  return { checks, tally };
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function duplicates(counts: Map<string, number>): string[] {
  return [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
}
