import { randomBytes } from 'node:crypto';
import { activeTraceparent } from '#logging';

/** Version 00 of https://www.w3.org/TR/trace-context/#traceparent-header: lower-case hex only. */
const TRACEPARENT_V00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** True for a well-formed version-00 traceparent whose trace id and parent id are not all zero. */
export function isValidTraceparent(value: string): boolean {
  const match = TRACEPARENT_V00.exec(value);
  return match !== null && !/^0+$/.test(match[1]!) && !/^0+$/.test(match[2]!);
}

/**
 * A new trace: random trace id and parent id, flag 01 (sampled) so that downstream tracers
 * record the trace that starts here.
 */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/**
 * The trace context to carry with an event: the request's span (a child of the caller's context,
 * or a no-op span carrying the caller's context on when no tracing SDK records), else the
 * caller's header when it is valid, otherwise a fresh one (the spec says to restart the trace
 * rather than propagate a malformed header).
 */
export function traceparentFor(header: string | string[] | undefined): string {
  const active = activeTraceparent();
  if (active !== undefined && isValidTraceparent(active)) return active;
  return typeof header === 'string' && isValidTraceparent(header) ? header : newTraceparent();
}
