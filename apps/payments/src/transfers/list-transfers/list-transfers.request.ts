import { z } from 'zod';
import { ValidationFailedError } from '../../errors/request-errors.js';
import type { PageCursor } from '../../http/page-cursor.js';
import { cursorParam, wholeNumber } from '../../http/query-params.js';

export const TRANSFER_STATUSES = ['pending', 'completed', 'rejected'] as const;
export const MAX_PAGE_SIZE = 500;
/** Ten years: older than any transfer this service can hold, small enough for any arithmetic. */
export const MAX_OLDER_THAN_SECONDS = 315_360_000;

/**
 * The query of `GET /transfers`. Unknown parameters are refused: a misspelt filter must not
 * silently list everything.
 */
export const listTransfersQuerySchema = z.strictObject({
  status: z
    .enum(TRANSFER_STATUSES, {
      error: (issue) =>
        Array.isArray(issue.input)
          ? 'must be given once'
          : 'must be pending, completed or rejected',
    })
    .optional()
    .meta({ description: 'Only transfers in this status; all statuses when left out' }),
  olderThanSeconds: wholeNumber(0, MAX_OLDER_THAN_SECONDS)
    .optional()
    .meta({
      description: `Only transfers created at least this many seconds ago, 0 to ${MAX_OLDER_THAN_SECONDS}`,
      example: '60',
    }),
  limit: wholeNumber(1, MAX_PAGE_SIZE)
    .optional()
    .meta({ description: `Transfers per page, 1 to ${MAX_PAGE_SIZE}; 100 when left out` }),
  cursor: cursorParam(),
});

export interface ListTransfersQuery {
  statuses: ReadonlyArray<(typeof TRANSFER_STATUSES)[number]>;
  olderThanSeconds?: number;
  limit: number;
  after?: PageCursor;
}

/** The validated query, or a `ValidationFailedError` naming each invalid parameter. */
export function parseListTransfersQuery(query: unknown): ListTransfersQuery {
  const result = listTransfersQuerySchema.safeParse(query ?? {});
  if (!result.success) throw ValidationFailedError.fromIssues(result.error.issues, 'query');
  const { status, olderThanSeconds, limit = 100, cursor } = result.data;
  return {
    statuses: status ? [status] : TRANSFER_STATUSES,
    limit,
    ...(olderThanSeconds !== undefined && { olderThanSeconds }),
    ...(cursor && { after: cursor }),
  };
}
