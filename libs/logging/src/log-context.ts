import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while handling one request or one record carries. */
export interface LogContext {
  /** W3C trace id (32 hex) of the request or event being handled. */
  traceId?: string;
  transferId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `work` with its own log context; lines logged inside (also after awaits) carry it. */
export function runWithLogContext<T>(context: LogContext, work: () => T): T {
  return storage.run({ ...context }, work);
}

/** Adds fields to the current context (e.g. the transfer id once it is known). */
export function addToLogContext(fields: LogContext): void {
  const current = storage.getStore();
  if (current) Object.assign(current, fields);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** The trace id inside a `traceparent` header (version 00), if it is well formed. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '')?.[1];
}
