import { z } from 'zod';
import { currencySchema, entriesQuerySchema, type EntriesQuery } from '#contracts';
import { ValidationFailedError } from '../errors/request-errors.js';
import type { PageCursor } from '../http/page-cursor.js';
import { cursorParam, wholeNumber } from '../http/query-params.js';

/** `POST /accounts`: a client opens an account of its own, which may never go negative. */
export const openAccountRequestSchema = z.strictObject(
  { currency: currencySchema },
  { error: 'must be a JSON object' },
);

/** `POST /admin/accounts`: an operator opens an account for a client, possibly allowed to go negative. */
export const adminOpenAccountRequestSchema = z.strictObject(
  {
    clientId: z
      .string()
      .regex(/^[\w.-]{1,100}$/, 'must be a client id of API_KEYS')
      .meta({ description: 'The client that will own the account' }),
    currency: currencySchema,
    allowNegative: z
      .boolean()
      .default(false)
      .meta({ description: 'May its balance go below zero (credit lines, settlement accounts)' }),
  },
  { error: 'must be a JSON object' },
);

const MAX_PAGE_SIZE = 500;

/** `GET /accounts`: the client's accounts, oldest first, a page at a time. */
export const listAccountsQuerySchema = z.strictObject({
  limit: wholeNumber(1, MAX_PAGE_SIZE)
    .optional()
    .meta({ description: `Accounts per page, 1 to ${MAX_PAGE_SIZE}; 100 when left out` }),
  cursor: cursorParam(),
});

export interface ListAccountsQuery {
  limit: number;
  after?: PageCursor;
}

function parse<S extends z.ZodType>(schema: S, input: unknown, whole: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationFailedError.fromIssues(result.error.issues, whole);
  return result.data;
}

export const parseOpenAccountRequest = (body: unknown) =>
  parse(openAccountRequestSchema, body, 'body');
export const parseAdminOpenAccountRequest = (body: unknown) =>
  parse(adminOpenAccountRequestSchema, body, 'body');
export const parseEntriesQuery = (query: unknown): EntriesQuery =>
  parse(entriesQuerySchema, query ?? {}, 'query');

export function parseListAccountsQuery(query: unknown): ListAccountsQuery {
  const { limit = 100, cursor } = parse(listAccountsQuerySchema, query ?? {}, 'query');
  return { limit, ...(cursor && { after: cursor }) };
}
