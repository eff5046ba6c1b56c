import { transferResultV1Schema } from '#contracts';
import { decodeJsonRecord } from '#kafka-eos';

/** What a result says about the transfer it settles: checked against the stored transfer. */
export interface SettledTerms {
  debitAccountId: string;
  creditAccountId: string;
  amount: string;
  currency: string;
}

/** What settling a transfer needs from a `TransferSettled` / `TransferRejected` record. */
export interface Settlement {
  transferId: string;
  status: 'completed' | 'rejected';
  reason: string | null;
  /** A `TransferSettled`'s accounts, amount and currency; a rejection carries none. */
  terms?: SettledTerms;
}

/**
 * Parses a result record with the results' one schema (libs/contracts), the one the ledger
 * writes with; anything else is a poison record for the dead-letter topic.
 */
export function decodeTransferResult(value: Buffer | null): Settlement {
  const result = decodeJsonRecord(value, transferResultV1Schema, 'transfer result v1');
  if (result.type === 'TransferRejected') {
    return { transferId: result.transferId, status: 'rejected', reason: result.reason };
  }
  const { debitAccountId, creditAccountId, amount, currency } = result;
  return {
    transferId: result.transferId,
    status: 'completed',
    reason: null,
    terms: { debitAccountId, creditAccountId, amount, currency },
  };
}
