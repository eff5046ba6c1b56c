import { z } from 'zod';

/* Response bodies of the accounts API, as schemas: the OpenAPI document and the types agree. */

const uuid = z.string().meta({ format: 'uuid' });
const timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC' });
const minorUnits = (description: string) =>
  z.string().meta({ description: `${description}, integer minor units`, example: '1050' });

/** An account with its balance, as the ledger holds it. */
export const accountSchema = z.object({
  id: uuid,
  currency: z.string().meta({ description: 'ISO 4217 code', example: 'EUR' }),
  balance: minorUnits('Credits minus debits'),
  debitsPosted: minorUnits('Sum of its debits'),
  creditsPosted: minorUnits('Sum of its credits'),
  allowNegative: z.boolean(),
  createdAt: timestamp,
});
export type Account = z.output<typeof accountSchema>;

/** One line of `GET /accounts`. */
export const accountSummarySchema = z.object({
  id: uuid,
  currency: z.string().meta({ description: 'ISO 4217 code', example: 'EUR' }),
  createdAt: timestamp,
});
export type AccountSummary = z.output<typeof accountSummarySchema>;

export const accountPageSchema = z.object({
  accounts: z.array(accountSummarySchema),
  nextCursor: z.string().nullable().meta({
    description: 'Send as `cursor` for the next page; null on the last',
  }),
});
export type AccountPage = z.output<typeof accountPageSchema>;

export const entryPageSchema = z.object({
  entries: z.array(
    z.object({
      id: z.string().meta({ description: 'Increasing; pass the last one as `after`' }),
      transferId: uuid,
      direction: z.enum(['debit', 'credit']),
      amount: minorUnits('The amount'),
      createdAt: timestamp,
    }),
  ),
});
export type EntryPage = z.output<typeof entryPageSchema>;
