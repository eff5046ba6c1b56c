import { z } from 'zod';
import { decodeJsonRecord } from '#kafka-eos';

const transferResultV1 = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('TransferSettled'),
      version: z.literal(1),
      eventId: z.uuid(),
      transferId: z.uuid(),
    })
    .loose(),
  z
    .object({
      type: z.literal('TransferRejected'),
      version: z.literal(1),
      eventId: z.uuid(),
      transferId: z.uuid(),
      reason: z.string().min(1),
    })
    .loose(),
]);

/** What settling a transfer needs from a `TransferSettled` / `TransferRejected` record. */
export interface Settlement {
  transferId: string;
  status: 'completed' | 'rejected';
  reason: string | null;
}

/** Parses a result record; anything else is a poison record for the dead-letter topic. */
export function decodeTransferResult(value: Buffer | null): Settlement {
  const result = decodeJsonRecord(value, transferResultV1, 'transfer result v1');
  return result.type === 'TransferSettled'
    ? { transferId: result.transferId, status: 'completed', reason: null }
    : { transferId: result.transferId, status: 'rejected', reason: result.reason };
}
