import type { DataSource, EntityManager } from 'typeorm';
import type { TransferRequestedV1, TransferResultV1 } from '#contracts';
import { decideTransfer, type AccountSnapshot } from './decide-transfer.js';

/**
 * Applies a transfer at most once, in one database transaction: record the event id in the
 * inbox, lock both accounts, post both entries if the decision allows, store the result.
 * A repeated event id returns the result stored the first time, so a redelivered event (after
 * a crash before the Kafka commit, or a zombie's late attempt) posts nothing twice and yields
 * the same result.
 */
export async function applyTransfer(
  db: DataSource,
  event: TransferRequestedV1,
  now = new Date(),
): Promise<TransferResultV1> {
  const [result] = await applyTransfers(db, [event], now);
  if (!result) throw new Error(`no result for event ${event.eventId}`);
  return result;
}

/**
 * `applyTransfer` for several transfers in one database transaction (one commit for a whole
 * Kafka batch), in their order. Every account they touch is locked first, in id order, so two
 * batches sharing accounts wait for each other instead of deadlocking. All or nothing: if one
 * fails, none is kept.
 */
export async function applyTransfers(
  db: DataSource,
  events: TransferRequestedV1[],
  now = new Date(),
): Promise<TransferResultV1[]> {
  return db.transaction(async (tx) => {
    if (events.length > 1) {
      await lockAccounts(tx, [
        ...new Set(events.flatMap((e) => [e.debitAccountId, e.creditAccountId])),
      ]);
    }
    const results: TransferResultV1[] = [];
    for (const event of events) results.push(await applyOnce(tx, event, now));
    return results;
  });
}

async function applyOnce(
  tx: EntityManager,
  event: TransferRequestedV1,
  now: Date,
): Promise<TransferResultV1> {
  const inserted = await tx.query<unknown[]>(
    `insert into inbox (event_id) values ($1) on conflict do nothing returning event_id`,
    [event.eventId],
  );
  if (inserted.length === 0) return storedResult(tx, event.eventId);

  const result = await post(tx, event, now);
  await tx.query(`update inbox set result = $2 where event_id = $1`, [
    event.eventId,
    JSON.stringify(result),
  ]);
  return result;
}

async function post(
  tx: EntityManager,
  event: TransferRequestedV1,
  now: Date,
): Promise<TransferResultV1> {
  const accounts = await lockAccounts(tx, [event.debitAccountId, event.creditAccountId]);
  const amount = BigInt(event.amount);
  const decision = decideTransfer(
    { ...event, amount },
    accounts.get(event.debitAccountId),
    accounts.get(event.creditAccountId),
  );
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
  await tx.query(`update accounts set debits_posted = debits_posted + $2 where id = $1`, [
    event.debitAccountId,
    event.amount,
  ]);
  await tx.query(`update accounts set credits_posted = credits_posted + $2 where id = $1`, [
    event.creditAccountId,
    event.amount,
  ]);
  await tx.query(
    `insert into entries (transfer_id, account_id, direction, amount) values ($1, $2, 'debit', $4), ($1, $3, 'credit', $4)`,
    [event.transferId, event.debitAccountId, event.creditAccountId, event.amount],
  );
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

/** Locks the accounts in id order, so two transfers between the same accounts cannot deadlock. */
export async function lockAccounts(
  tx: EntityManager,
  ids: string[],
): Promise<Map<string, AccountSnapshot>> {
  const rows = await tx.query<
    Array<{ id: string; currency: string; debits: string; credits: string; allowNegative: boolean }>
  >(
    `select id, currency, debits_posted::text as debits, credits_posted::text as credits,
            allow_negative as "allowNegative"
       from accounts where id = any($1::uuid[]) order by id for update`,
    [ids],
  );
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

async function storedResult(tx: EntityManager, eventId: string): Promise<TransferResultV1> {
  const [row] = await tx.query<Array<{ result: TransferResultV1 | null }>>(
    `select result from inbox where event_id = $1`,
    [eventId],
  );
  if (!row?.result) throw new Error(`inbox entry ${eventId} has no stored result`);
  return row.result;
}
