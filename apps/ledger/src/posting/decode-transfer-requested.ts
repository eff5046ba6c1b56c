import { z } from 'zod';
import type { TransferRequestedV1 } from '#contracts';
import { PoisonRecordError } from '#kafka-eos';

const uuid = z.uuid().transform((s) => s.toLowerCase());

const transferRequestedV1 = z
  .object({
    type: z.literal('TransferRequested'),
    version: z.literal(1),
    eventId: uuid,
    transferId: uuid,
    debitAccountId: uuid,
    creditAccountId: uuid,
    amount: z
      .string()
      .regex(/^[1-9]\d{0,18}$/)
      .refine((s) => BigInt(s) <= 2n ** 63n - 1n, 'amount exceeds 2^63-1'),
    currency: z.string().regex(/^[A-Z]{3}$/),
    requestedAt: z.string(),
  })
  .refine((e) => e.debitAccountId !== e.creditAccountId, 'debit and credit accounts are the same');

/**
 * Parses a `TransferRequested` record value. Anything else (not JSON, another version, invalid
 * fields) is a poison record: it can never be applied, so it goes to the dead-letter topic.
 */
export function decodeTransferRequested(value: Buffer | null): TransferRequestedV1 {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch (error) {
    throw new PoisonRecordError('value is not JSON', { cause: error });
  }
  const parsed = transferRequestedV1.safeParse(json);
  if (!parsed.success) {
    throw new PoisonRecordError(
      `not a TransferRequested v1: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
