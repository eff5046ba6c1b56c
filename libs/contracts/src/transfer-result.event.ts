import { z } from 'zod';
import {
  accountIdSchema,
  amountSchema,
  currencySchema,
  timestampSchema,
  transferIdSchema,
} from './fields.js';

/**
 * Why the ledger refused a transfer. The first four are decisions on the accounts; the last two
 * say the ledger could not apply the request at all (it went to the dead-letter topic), so that
 * the transfer still ends instead of staying pending.
 */
export const TRANSFER_REJECTION_REASONS = [
  /** The debit account's balance does not cover the amount. */
  'INSUFFICIENT_FUNDS',
  /** One of the accounts does not exist in the ledger. */
  'UNKNOWN_ACCOUNT',
  /** An account is held in another currency than the transfer's. */
  'CURRENCY_MISMATCH',
  /** Posting would overflow an account's totals (2^63-1 minor units). */
  'BALANCE_LIMIT_EXCEEDED',
  /** The request could not be decoded or is invalid: it can never be applied. */
  'INVALID_REQUEST',
  /** Applying the request kept failing (an error that waiting does not cure). */
  'PROCESSING_FAILED',
] as const;

export type TransferRejectionReason = (typeof TRANSFER_REJECTION_REASONS)[number];

/**
 * Published by the ledger when it posted a transfer. Version 1.
 * Kafka record: key = `transferId`; headers: see `EventHeaders`.
 */
export const transferSettledV1Schema = z.object({
  type: z.literal('TransferSettled'),
  version: z.literal(1),
  /** Unique per event; equal to `transferId` (a transfer has exactly one result). */
  eventId: transferIdSchema,
  /** The transfer this result is for (the id payments generated). */
  transferId: transferIdSchema,
  debitAccountId: accountIdSchema,
  creditAccountId: accountIdSchema,
  /** Integer amount in minor units, as a decimal string. */
  amount: amountSchema,
  /** ISO 4217 currency code. */
  currency: currencySchema,
  /** When the ledger applied the postings (ISO 8601, UTC). */
  settledAt: timestampSchema,
});

/**
 * Published by the ledger when it refused a transfer; nothing was posted. Version 1.
 * Kafka record: key = `transferId`.
 */
export const transferRejectedV1Schema = z.object({
  type: z.literal('TransferRejected'),
  version: z.literal(1),
  /** Unique per event; equal to `transferId`. */
  eventId: transferIdSchema,
  /** The transfer this result is for. */
  transferId: transferIdSchema,
  /** Machine-readable reason. */
  reason: z.enum(TRANSFER_REJECTION_REASONS),
  /** When the ledger decided (ISO 8601, UTC). */
  rejectedAt: timestampSchema,
});

/** A transfer's one result: the ledger writes it with this schema, settlement reads it with it. */
export const transferResultV1Schema = z.discriminatedUnion('type', [
  transferSettledV1Schema,
  transferRejectedV1Schema,
]);

export type TransferSettledV1 = z.output<typeof transferSettledV1Schema>;
export type TransferRejectedV1 = z.output<typeof transferRejectedV1Schema>;
export type TransferResultV1 = z.output<typeof transferResultV1Schema>;
