import { z } from 'zod';
import {
  accountIdSchema,
  amountSchema,
  currencySchema,
  timestampSchema,
  transferIdSchema,
} from './fields.js';

export const TRANSFER_REQUESTED = 'TransferRequested';

/**
 * Published by payments (through its outbox) when it accepts a transfer. Version 1.
 * Kafka record: key = `debitAccountId` (one account's transfers stay in one partition, in
 * order); value = this object as JSON; headers: see `EventHeaders`.
 *
 * The one schema of the event: the outbox encodes with it and the ledger decodes with it, and
 * its fields are the ones the API validates requests with, so whatever payments accepts the
 * ledger can read. Unknown fields are dropped on reading (a tolerant reader); a new meaning is a
 * new version.
 */
export const transferRequestedV1Schema = z
  .object({
    type: z.literal(TRANSFER_REQUESTED),
    version: z.literal(1),
    /** Unique per event; equal to `transferId`, so the ledger's inbox can deduplicate on it. */
    eventId: transferIdSchema,
    /** The transfer id payments generated when it accepted the request (UUID). */
    transferId: transferIdSchema,
    /** Account whose balance decreases. */
    debitAccountId: accountIdSchema,
    /** Account whose balance increases. */
    creditAccountId: accountIdSchema,
    /** Integer amount in minor units (e.g. cents), as a decimal string: 1 ≤ amount ≤ 2^63-1. */
    amount: amountSchema,
    /** ISO 4217 currency code, upper case. */
    currency: currencySchema,
    /** When payments accepted the transfer (ISO 8601, UTC). */
    requestedAt: timestampSchema,
  })
  .refine((e) => e.debitAccountId !== e.creditAccountId, {
    path: ['creditAccountId'],
    message: 'debit and credit accounts are the same',
  })
  .refine((e) => e.eventId === e.transferId, {
    path: ['eventId'],
    message: 'must equal transferId',
  });

export type TransferRequestedV1 = z.output<typeof transferRequestedV1Schema>;
