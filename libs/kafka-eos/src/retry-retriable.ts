import { backoffMs, delay } from './backoff.js';
import { classifyTransactionError } from './errors.js';

/**
 * Runs one transaction step again while it fails with a retriable transaction error (e.g.
 * CONCURRENT_TRANSACTIONS right after the previous commit, while its markers are written), with
 * bounded exponential backoff. Other errors, and the last retriable one, are thrown.
 */
export async function retryRetriable<T>(step: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt + 1 >= attempts || classifyTransactionError(error) !== 'retriable') throw error;
      await delay(backoffMs(attempt, 5, 1_000));
    }
  }
}
