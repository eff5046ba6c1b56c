import { z } from 'zod';
import { isValidAmount, type TransferRequestedV1 } from '#contracts';
import { decodeJsonRecord } from '#kafka-eos';

const uuid = z.uuid().transform((s) => s.toLowerCase());

const transferRequestedV1 = z
  .object({
    type: z.literal('TransferRequested'),
    version: z.literal(1),
    eventId: uuid,
    transferId: uuid,
    debitAccountId: uuid,
    creditAccountId: uuid,
    amount: z.string().refine(isValidAmount, 'a positive integer in minor units, at most 2^63-1'),
    currency: z.string().regex(/^[A-Z]{3}$/),
    requestedAt: z.string(),
  })
  .refine((e) => e.debitAccountId !== e.creditAccountId, 'debit and credit accounts are the same');

/**
 * Parses a `TransferRequested` record value. Anything else (not JSON, another version, invalid
 * fields) is a poison record: it can never be applied, so it goes to the dead-letter topic.
 */
export function decodeTransferRequested(value: Buffer | null): TransferRequestedV1 {
  return decodeJsonRecord(value, transferRequestedV1, 'TransferRequested v1');
}
