import { z } from 'zod';

/* Response bodies of the transfers API. Declared as schemas so the OpenAPI document and the
   TypeScript types come from one place. */

const uuid = z.string().meta({ format: 'uuid' });
const timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC' });
const money = {
  debitAccountId: uuid,
  creditAccountId: uuid,
  amount: z.string().meta({ description: 'Integer amount in minor units', example: '1050' }),
  currency: z.string().meta({ description: 'ISO 4217 code', example: 'EUR' }),
};

/** The 202 answer to `POST /transfers`, stored with the transfer and replayed on retries. */
export const acceptedTransferSchema = z.object({
  id: uuid.meta({ description: 'The transfer id, also the id of its TransferRequested event' }),
  status: z.literal('pending'),
  ...money,
  createdAt: timestamp,
});
export type AcceptedTransfer = z.output<typeof acceptedTransferSchema>;

/** The answer to `GET /transfers/:id`. */
export const transferSchema = z.object({
  id: uuid,
  status: z.enum(['pending', 'completed', 'rejected']),
  reason: z
    .string()
    .optional()
    .meta({ description: 'Why the ledger refused it; only when rejected' }),
  ...money,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Transfer = z.output<typeof transferSchema>;

/** The answer to `GET /transfers`: one page, oldest first. */
export const transferPageSchema = z.object({
  transfers: z.array(transferSchema),
  nextCursor: z.string().nullable().meta({
    description: 'Send as `cursor` (with the same filters) for the next page; null on the last',
  }),
});
export type TransferPage = z.output<typeof transferPageSchema>;
