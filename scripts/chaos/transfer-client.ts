import type { AcceptedTransfer } from '../../apps/payments/src/transfers/transfer.response.js';
import { CHAOS_API_KEY } from './chaos-stack.js';
import type { Outcome, TransferRequest } from './history.js';

/** How long a client waits for an answer before it calls the outcome unknown. */
const REQUEST_TIMEOUT_MS = 5_000;

export interface Answer {
  outcome: Outcome;
  transferId?: string;
  detail?: string;
}

/**
 * `POST /transfers` with the request's own idempotency key. 202 is ok; another 4xx is a definite
 * fail (nothing was created); a 5xx, a timeout or a connection error is unknown: the transfer
 * may have been committed before the answer was lost, so the caller must retry with the same key.
 */
export async function postTransfer(
  paymentsUrl: string | undefined,
  request: TransferRequest,
): Promise<Answer> {
  if (!paymentsUrl) return { outcome: 'unknown', detail: 'no payments process running' };
  const { idempotencyKey, ...body } = request;
  try {
    const response = await fetch(`${paymentsUrl}/transfers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${CHAOS_API_KEY}`,
        'idempotency-key': idempotencyKey,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ...body, currency: 'EUR' }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.status === 202) {
      return { outcome: 'ok', transferId: (JSON.parse(text) as AcceptedTransfer).id };
    }
    const detail = `${response.status} ${text.slice(0, 200)}`;
    return { outcome: response.status >= 500 ? 'unknown' : 'fail', detail };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    return {
      outcome: 'unknown',
      detail: `${(error as Error).name}: ${cause?.message ?? (error as Error).message}`,
    };
  }
}
