import type { Transfer } from './transfer.response.js';

/** The columns of a `transfers` row that a `Transfer` answer is made of. */
export const TRANSFER_COLUMNS = `id, status, reason, debit_account_id, credit_account_id,
  amount::text as amount, currency, created_at, updated_at`;

export interface TransferRow {
  id: string;
  status: Transfer['status'];
  reason: string | null;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  created_at: Date;
  updated_at: Date;
}

/** A stored transfer as the API shows it: the reason only when rejected. */
export function toTransfer(row: TransferRow): Transfer {
  return {
    id: row.id,
    status: row.status,
    ...(row.status === 'rejected' && row.reason !== null && { reason: row.reason }),
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: row.amount,
    currency: row.currency,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
