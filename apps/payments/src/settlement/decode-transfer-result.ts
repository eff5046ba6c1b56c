import { transferResultV1Schema } from '#contracts';
import { decodeJsonRecord } from '#kafka-eos';

/** What settling a transfer needs from a `TransferSettled` / `TransferRejected` record. */
export interface Settlement {
  transferId: string;
  status: 'completed' | 'rejected';
  reason: string | null;
}

/**
 * Parses a result record with the results' one schema (libs/contracts), the one the ledger
 * writes with; anything else is a poison record for the dead-letter topic.
 */
export function decodeTransferResult(value: Buffer | null): Settlement {
  const result = decodeJsonRecord(value, transferResultV1Schema, 'transfer result v1');
  return result.type === 'TransferSettled'
    ? { transferId: result.transferId, status: 'completed', reason: null }
    : { transferId: result.transferId, status: 'rejected', reason: result.reason };
}
