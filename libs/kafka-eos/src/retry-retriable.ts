import { backoffMs, delay } from './backoff.js';
import type { TransactionFailure } from './errors.js';

/**
 * Runs one transaction step again while it fails with a retriable transaction error (e.g.
 * CONCURRENT_TRANSACTIONS right after the previous commit, while its markers are written), with
 * bounded exponential backoff. Other errors, and the last retriable one, are thrown. `classify`
 * is the client's (`KafkaClient.classifyTransactionError`).
 */
export async function retryRetriable<T>(
  step: () => Promise<T>,
  classify: (error: unknown) => TransactionFailure,
  attempts = 6,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt + 1 >= attempts || classify(error) !== 'retriable') throw error;
      await delay(backoffMs(attempt, 5, 1_000));
    }
  }
}
