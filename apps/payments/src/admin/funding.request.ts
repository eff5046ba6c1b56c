import { z } from 'zod';
import { accountIdSchema, amountSchema, currencySchema } from '#contracts';
import { ValidationFailedError } from '../errors/request-errors.js';

/** The body of `POST /admin/fundings`: money entering one account from outside the ledger. */
export const fundingRequestSchema = z.strictObject(
  {
    accountId: accountIdSchema.meta({ description: 'The account credited' }),
    amount: amountSchema,
    currency: currencySchema.meta({ description: "The account's currency", example: 'EUR' }),
  },
  { error: 'must be a JSON object' },
);
export type FundingRequest = z.output<typeof fundingRequestSchema>;

export function parseFundingRequest(body: unknown): FundingRequest {
  const result = fundingRequestSchema.safeParse(body);
  if (!result.success) throw ValidationFailedError.fromIssues(result.error.issues, 'body');
  return result.data;
}
