import type { DataSource } from 'typeorm';
import { PreparedStatement } from '#postgres';
import type { EncodedOutboxMessage } from '../../outbox/encode-outbox-message.js';
import type { AcceptedTransfer } from '../transfer.response.js';

export interface NewTransferRow {
  clientId: string;
  idempotencyKey: string;
  requestHash: string;
  /** Also the stored answer to retries. */
  transfer: AcceptedTransfer;
}

/**
 * What the write found: `accepted` when the transfer and its outbox row were written. Not
 * accepted with both accounts fine means the client had already used the idempotency key.
 */
export interface AcceptOutcome {
  debitOwned: boolean;
  creditExists: boolean;
  accepted: boolean;
}

/**
 * `accounts`: check that the client owns the debited account and that the credited one exists,
 * and write nothing otherwise. Fundings debit the ledger's funding account, which no client
 * owns, and are checked by their caller.
 */
export type AccountCheck = 'owner-and-credit' | 'none';

/**
 * The whole acceptance in one statement (autocommit, so one transaction and one round trip):
 * check the accounts, insert the transfer unless its client already used the idempotency key,
 * and add its outbox row only if the transfer row was inserted. The outbox row exists if and
 * only if the transfer does, as with an explicit transaction around two inserts, for a fifth of
 * the round trips.
 *
 * If another transaction holds the key, Postgres makes the insert wait for it to end, so
 * "not accepted" with both accounts fine means the other one committed: its row can be read by
 * the next statement. Accounts are never deleted and never change owner, so the check needs no
 * lock.
 */
const acceptStatement = new PreparedStatement<{
  debit_owned: boolean;
  credit_exists: boolean;
  accepted: boolean;
}>(
  'payments.accept-transfer',
  `with debit as (
     select client_id = $2 as owned from accounts where id = $5
   ), credit as (
     select true from accounts where id = $6
   ), inserted as (
     insert into transfers (id, client_id, idempotency_key, request_hash, debit_account_id,
       credit_account_id, amount, currency, response_body, created_at, updated_at)
     select $1::uuid, $2::text, $3::text, $4::text, $5::uuid, $6::uuid, $7::bigint, $8::text,
       $9::jsonb, $10::timestamptz, $10::timestamptz
     where not $16::boolean
        or (exists (select from debit where owned) and exists (select from credit))
     on conflict (client_id, idempotency_key) do nothing
     returning id
   ), queued as (
     insert into outbox (event_id, topic, key, payload, headers)
     select $11::uuid, $12::text, $13::text, $14::jsonb, $15::jsonb from inserted
     returning id
   )
   select exists (select from debit where owned) as debit_owned,
          exists (select from credit) as credit_exists,
          exists (select from queued) as accepted`,
);

/** Accepts a transfer with `acceptStatement`: see there. */
export async function acceptTransfer(
  db: DataSource,
  row: NewTransferRow,
  outbox: EncodedOutboxMessage,
  check: AccountCheck,
): Promise<AcceptOutcome> {
  const { transfer } = row;
  const [outcome] = await acceptStatement.rows(db, [
    transfer.id,
    row.clientId,
    row.idempotencyKey,
    row.requestHash,
    transfer.debitAccountId,
    transfer.creditAccountId,
    transfer.amount,
    transfer.currency,
    JSON.stringify(transfer),
    transfer.createdAt,
    outbox.eventId,
    outbox.topic,
    outbox.key,
    outbox.payload,
    outbox.headers,
    check === 'owner-and-credit',
  ]);
  if (!outcome) throw new Error('the accept statement returned no row');
  return {
    debitOwned: outcome.debit_owned,
    creditExists: outcome.credit_exists,
    accepted: outcome.accepted,
  };
}
