import { DependencyUnavailableError } from './records.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True for errors that say a dependency (typically PostgreSQL) is unreachable or restarting,
 * not that the record is bad: network errors, SQLSTATE class 08 (connection exception),
 * 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now), 40001/40P01 (serialization
 * failure, deadlock: retry the transaction) and a pool or client that lost its connection.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) return true;
      if (code === '40001' || code === '40P01') return true;
    }
    if (
      /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
        e.message,
      )
    ) {
      return true;
    }
  }
  return false;
}

/** Rethrows dependency outages as `DependencyUnavailableError` (retried without limit), others as they are. */
export function rethrowDependencyErrors(error: unknown): never {
  if (isDependencyUnavailable(error)) {
    throw new DependencyUnavailableError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  throw error;
}
