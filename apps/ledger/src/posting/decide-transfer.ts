import { MAX_AMOUNT, type TransferRejectionReason } from '#contracts';

/** An account as the posting decision needs it. */
export interface AccountSnapshot {
  id: string;
  currency: string;
  debitsPosted: bigint;
  creditsPosted: bigint;
  allowNegative: boolean;
}

export interface TransferToDecide {
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: string;
}

export type TransferDecision =
  { kind: 'settle' } | { kind: 'reject'; reason: TransferRejectionReason };

/**
 * Whether a transfer may be posted, given both accounts as they are now (locked by the caller).
 * Pure: no database, no framework.
 */
export function decideTransfer(
  transfer: TransferToDecide,
  debit: AccountSnapshot | undefined,
  credit: AccountSnapshot | undefined,
): TransferDecision {
  if (!debit || !credit) return { kind: 'reject', reason: 'UNKNOWN_ACCOUNT' };
  if (debit.currency !== transfer.currency || credit.currency !== transfer.currency) {
    return { kind: 'reject', reason: 'CURRENCY_MISMATCH' };
  }
  const available = debit.creditsPosted - debit.debitsPosted;
  if (!debit.allowNegative && available < transfer.amount) {
    return { kind: 'reject', reason: 'INSUFFICIENT_FUNDS' };
  }
  // Posted totals are bigint columns: refuse what would overflow them instead of failing forever.
  if (
    debit.debitsPosted + transfer.amount > MAX_AMOUNT ||
    credit.creditsPosted + transfer.amount > MAX_AMOUNT
  ) {
    return { kind: 'reject', reason: 'BALANCE_LIMIT_EXCEEDED' };
  }
  return { kind: 'settle' };
}
