import { DependencyUnavailableError } from './records.js';

/** Node's socket errors: the other side is not there (yet, or any more). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html) that say the
 * database cannot do the work now but may later, whatever the record: by class, then exact codes.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set([
  '08', // connection exception
  '53', // insufficient resources: disk full, out of memory, too many connections
]);
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is shutting down (fast shutdown, pg_terminate_backend)
  '57P02', // crash_shutdown: another backend crashed, all sessions are ended
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '57014', // query_canceled: statement_timeout, or pg_cancel_backend
  '25006', // read_only_sql_transaction: a standby after a failover, or read-only by setting
  '25P03', // idle_in_transaction_session_timeout: this process sat frozen inside a transaction
  '57P05', // idle_session_timeout: the server ended a session left unused
  '40001', // serialization_failure: retry the transaction
  '40P01', // deadlock_detected: retry the transaction
  '55P03', // lock_not_available: lock_timeout
  '58000', // system_error (e.g. an I/O error of the server's)
  '58030', // io_error
]);

/** node-postgres and its pool say a connection is gone in messages, not codes. */
const CONNECTION_LOST =
  /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable/i;

/** Why an error is an outage to wait out, or undefined when it is not one. */
export function dependencyOutage(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e);) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code)) return `network: ${code}`;
      if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) {
        return `SQLSTATE ${code}`;
      }
    }
    if (CONNECTION_LOST.test(e.message)) return 'connection lost';
    // TypeORM's QueryFailedError keeps the driver's error as driverError; others use cause.
    e = (e as { driverError?: unknown }).driverError ?? e.cause;
  }
  return undefined;
}

/**
 * True for errors that say a dependency (typically PostgreSQL) is unreachable, overloaded,
 * restarting, read-only or asked us to retry, not that the record is bad. Such errors are waited
 * out with backoff for as long as they last and never count towards a record's poison attempts.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  return dependencyOutage(error) !== undefined;
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
