import { z } from 'zod';
import type { ErrorDetail } from '../../errors/domain-error.js';
import { ValidationFailedError } from '../../errors/request-errors.js';
import { AMOUNT_DIGITS, isValidAmount, MAX_AMOUNT } from '#contracts';
import { CURRENCY_CODES } from '../validation/currency-codes.js';
import { UUID_PATTERN } from '../validation/uuid.js';

const required = (otherwise: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : otherwise),
});

/** Stored and compared in lower case, so one account has one spelling. */
const accountId = z
  .string(required('must be a string'))
  .regex(UUID_PATTERN, 'must be a UUID')
  .transform((id) => id.toLowerCase())
  .meta({ format: 'uuid', example: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' });

/** A string, not a JSON number: JSON parsers lose precision above 2^53. */
const amount = z
  .string(required('must be a string of digits, e.g. "1050"'))
  .regex(AMOUNT_DIGITS, {
    message:
      'must be a positive whole number of minor units in digits, without sign, leading zeros, spaces or decimal point, e.g. "1050" for 10.50',
    abort: true,
  })
  .refine(isValidAmount, `must be at most ${MAX_AMOUNT} (2^63-1)`)
  .meta({
    description: 'Integer amount in minor units (e.g. cents), 1 to 2^63-1, as a string',
    example: '1050',
  });

const currency = z
  .enum(CURRENCY_CODES, required('must be an active ISO 4217 code in upper case, e.g. "EUR"'))
  .meta({ example: 'EUR' });

/** The body of `POST /transfers`. Unknown fields are refused: a typo must not pass unnoticed. */
export const createTransferRequestSchema = z
  .strictObject(
    { debitAccountId: accountId, creditAccountId: accountId, amount, currency },
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
  if (!result.success) throw new ValidationFailedError(result.error.issues.flatMap(toDetails));
  return result.data;
}

function toDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: key, message: 'is not a known field' }));
  }
  return [{ field: issue.path.join('.') || 'body', message: issue.message }];
}
