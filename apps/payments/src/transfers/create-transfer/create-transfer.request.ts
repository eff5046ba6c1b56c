import { z } from 'zod';
import { ValidationFailedError } from '../../errors/request-errors.js';
import { accountIdSchema, amountSchema, currencySchema } from '#contracts';

/** The body of `POST /transfers`. Unknown fields are refused: a typo must not pass unnoticed. */
export const createTransferRequestSchema = z
  .strictObject(
    {
      debitAccountId: accountIdSchema,
      creditAccountId: accountIdSchema,
      amount: amountSchema,
      currency: currencySchema,
    },
    { error: 'must be a JSON object' },
  )
  .refine((t) => t.debitAccountId !== t.creditAccountId, {
    path: ['creditAccountId'],
    message: 'must differ from debitAccountId',
  });

export type CreateTransferRequest = z.output<typeof createTransferRequestSchema>;

/** The validated, normalised body, or a `ValidationFailedError` listing every invalid field. */
export function parseCreateTransferRequest(body: unknown): CreateTransferRequest {
  const result = createTransferRequestSchema.safeParse(body);
  if (!result.success) throw ValidationFailedError.fromIssues(result.error.issues, 'body');
  return result.data;
}
