import type { EntityManager } from 'typeorm';
import type { AcceptedTransfer } from '../transfer.response.js';

export interface NewTransferRow {
  clientId: string;
  idempotencyKey: string;
  requestHash: string;
  /** Also the stored answer to retries. */
  transfer: AcceptedTransfer;
}

/**
 * Inserts the transfer unless its client already used the idempotency key; true when inserted.
 * If another transaction holds the key, Postgres makes this insert wait for it to end, so
 * "nothing inserted" means the other transaction committed and its row can be read.
 */
export async function insertTransfer(tx: EntityManager, row: NewTransferRow): Promise<boolean> {
  const { transfer } = row;
  const inserted = await tx.query<{ id: string }[]>(
    `insert into transfers (id, client_id, idempotency_key, request_hash, debit_account_id,
       credit_account_id, amount, currency, response_body, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
     on conflict (client_id, idempotency_key) do nothing
     returning id`,
    [
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
    ],
  );
  return inserted.length === 1;
}
