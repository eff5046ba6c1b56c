import type { DataSource, EntityManager } from 'typeorm';
import type { TransferRequestedV1, TransferResultV1 } from '#contracts';
import { crashPoint } from '#kafka-eos';
import { PreparedStatement } from '#postgres';
import { decideTransfer, type AccountSnapshot, type TransferDecision } from './decide-transfer.js';

/** The statements of a posting, each parsed and planned once per connection. */
const statements = {
  lockAccounts: new PreparedStatement<{
    id: string;
    currency: string;
    debits: string;
    credits: string;
    allowNegative: boolean;
  }>(
    'ledger.lock-accounts',
    `select id, currency, debits_posted::text as debits, credits_posted::text as credits,
            allow_negative as "allowNegative"
       from accounts where id = any($1::uuid[]) order by id for update`,
  ),
  storedResults: new PreparedStatement<{ eventId: string; result: TransferResultV1 | null }>(
    'ledger.stored-results',
    `select event_id as "eventId", result from inbox where event_id = any($1::uuid[])`,
  ),
  storeResults: new PreparedStatement<{ event_id: string }>(
    'ledger.store-results',
    `insert into inbox (event_id, result)
     select * from unnest($1::uuid[], $2::jsonb[])
     on conflict do nothing returning event_id`,
  ),
  insertEntries: new PreparedStatement<never>(
    'ledger.insert-entries',
    `insert into entries (transfer_id, account_id, direction, amount)
     select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[])`,
  ),
  updateTotals: new PreparedStatement<never>(
    'ledger.update-totals',
    `update accounts a set debits_posted = u.debits, credits_posted = u.credits
       from unnest($1::uuid[], $2::bigint[], $3::bigint[]) as u(id, debits, credits)
      where a.id = u.id`,
  ),
};

/**
 * Applies transfers at most once each, in their order, in one database transaction and a handful
 * of statements whatever their number (one, or a fetched batch): the event ids go to the inbox
 * with their results, so a redelivered event (after a crash before the Kafka commit, or a
 * zombie's late attempt) posts nothing twice and yields the result stored the first time. Then: every account it touches locked (in id order, so two batches
 * sharing accounts wait instead of deadlocking) and read once; the stored results of events
 * seen before read once; each decision taken in memory on the balances as the batch's earlier
 * transfers left them; then the inbox rows, the entries and the new totals written in bulk.
 * All or nothing. If another transaction stored one of these events meanwhile (a zombie), it
 * throws and nothing is kept; the transport then hands the events over one by one, and the
 * retry of the one that met the zombie finds its stored result.
 */
export async function applyTransfers(
  db: DataSource,
  events: TransferRequestedV1[],
  now = new Date(),
): Promise<TransferResultV1[]> {
  return db.transaction(async (tx) => {
    const accounts = await lockAccounts(tx, [
      ...new Set(events.flatMap((e) => [e.debitAccountId, e.creditAccountId])),
    ]);
    const known = await storedResults(
      tx,
      events.map((e) => e.eventId),
    );
    const fresh: Array<{ event: TransferRequestedV1; result: TransferResultV1 }> = [];
    const results = events.map((event) => {
      const stored = known.get(event.eventId);
      if (stored) return stored;
      const amount = BigInt(event.amount);
      const decision = decideTransfer(
        { ...event, amount },
        accounts.get(event.debitAccountId),
        accounts.get(event.creditAccountId),
      );
      if (decision.kind === 'settle') addToTotals(accounts, event, amount);
      const result = toResult(event, decision, now);
      known.set(event.eventId, result); // the same event twice in one batch: one posting
      fresh.push({ event, result });
      return result;
    });
    if (fresh.length > 0) await writeBatch(tx, fresh, accounts);
    return results;
  });
}

export function toResult(
  event: TransferRequestedV1,
  decision: TransferDecision,
  now: Date,
): TransferResultV1 {
  const at = now.toISOString();
  if (decision.kind === 'reject') {
    return {
      type: 'TransferRejected',
      version: 1,
      eventId: event.eventId,
      transferId: event.transferId,
      reason: decision.reason,
      rejectedAt: at,
    };
  }
  return {
    type: 'TransferSettled',
    version: 1,
    eventId: event.eventId,
    transferId: event.transferId,
    debitAccountId: event.debitAccountId,
    creditAccountId: event.creditAccountId,
    amount: event.amount,
    currency: event.currency,
    settledAt: at,
  };
}

/** The batch's in-memory view of both accounts after posting `amount` (locked, not yet written). */
function addToTotals(
  accounts: Map<string, AccountSnapshot>,
  event: TransferRequestedV1,
  amount: bigint,
): void {
  const debit = accounts.get(event.debitAccountId);
  if (debit) accounts.set(debit.id, { ...debit, debitsPosted: debit.debitsPosted + amount });
  const credit = accounts.get(event.creditAccountId);
  if (credit) accounts.set(credit.id, { ...credit, creditsPosted: credit.creditsPosted + amount });
}

/** Inbox rows with their results, both entries of each settled transfer, the accounts' new totals. */
async function writeBatch(
  tx: EntityManager,
  fresh: Array<{ event: TransferRequestedV1; result: TransferResultV1 }>,
  accounts: Map<string, AccountSnapshot>,
): Promise<void> {
  const inserted = await statements.storeResults.rows(tx, [
    fresh.map((f) => f.event.eventId),
    fresh.map((f) => JSON.stringify(f.result)),
  ]);
  if (inserted.length !== fresh.length) {
    throw new Error('another transaction stored some of these events meanwhile');
  }
  const settled = fresh.filter((f) => f.result.type === 'TransferSettled').map((f) => f.event);
  if (settled.length === 0) return;
  await statements.insertEntries.rows(tx, [
    settled.flatMap((e) => [e.transferId, e.transferId]),
    settled.flatMap((e) => [e.debitAccountId, e.creditAccountId]),
    settled.flatMap(() => ['debit', 'credit']),
    settled.flatMap((e) => [e.amount, e.amount]),
  ]);
  const changed = [
    ...new Set(settled.flatMap((e) => [e.debitAccountId, e.creditAccountId])),
  ].flatMap((id) => accounts.get(id) ?? []);
  await statements.updateTotals.rows(tx, [
    changed.map((a) => a.id),
    changed.map((a) => a.debitsPosted.toString()),
    changed.map((a) => a.creditsPosted.toString()),
  ]);
}

/** Locks the accounts in id order, so two transfers between the same accounts cannot deadlock. */
export async function lockAccounts(
  tx: EntityManager,
  ids: string[],
): Promise<Map<string, AccountSnapshot>> {
  const rows = await statements.lockAccounts.rows(tx, [ids]);
  // Frozen here (EOS_PAUSE_AT), this instance holds the locks inside an open transaction.
  crashPoint('ledger.accounts-locked');
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        currency: r.currency,
        debitsPosted: BigInt(r.debits),
        creditsPosted: BigInt(r.credits),
        allowNegative: r.allowNegative,
      },
    ]),
  );
}

/** Results already stored for any of `eventIds`. */
async function storedResults(
  tx: EntityManager,
  eventIds: string[],
): Promise<Map<string, TransferResultV1>> {
  const rows = await statements.storedResults.rows(tx, [eventIds]);
  const stored = new Map<string, TransferResultV1>();
  for (const { eventId, result } of rows) {
    if (!result) throw new Error(`inbox entry ${eventId} has no stored result`);
    stored.set(eventId, result);
  }
  return stored;
}
