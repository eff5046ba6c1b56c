import { z } from 'zod';
import type { CurrencyCode } from './currency-codes.js';

/*
 * The ledger's internal HTTP API as payments calls it: the shapes both sides agree on. The
 * payments API validates a client's query with the same schema before passing it on.
 */

/** An account as the ledger holds it. Amounts are integer minor units, as strings. */
export interface LedgerAccount {
  id: string;
  currency: CurrencyCode;
  /** credits - debits. */
  balance: string;
  debitsPosted: string;
  creditsPosted: string;
  allowNegative: boolean;
  createdAt: string;
}

/** One side of a posted transfer. */
export interface LedgerEntry {
  /** Increasing: pass the last one seen as `after` for the next page. */
  id: string;
  transferId: string;
  direction: 'debit' | 'credit';
  amount: string;
  createdAt: string;
}

/** `entries.id` is a bigint: a larger `after` would fail the SQL comparison, not match nothing. */
const MAX_ENTRY_ID = 2n ** 63n - 1n;

/** `GET /accounts/:id/entries` query: oldest first, `limit` at a time, after entry `after`. */
export const entriesQuerySchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(100)
      .meta({ description: 'Entries per page, 1 to 1000 (default 100)' }),
    after: z
      .string()
      .regex(/^\d{1,19}$/, { message: 'must be an entry id: digits, at most 19', abort: true })
      .refine((id) => BigInt(id) <= MAX_ENTRY_ID, `must be at most ${MAX_ENTRY_ID}`)
      .optional()
      .meta({ description: 'The last entry id of the previous page; the first page without it' }),
  })
  .strict();
export type EntriesQuery = z.output<typeof entriesQuerySchema>;
