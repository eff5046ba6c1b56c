import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

/** One readiness check; it reports `down` rather than throwing. */
export type ReadinessCheck = () => PromiseLike<HealthIndicatorResult>;

/** The readiness answer: terminus's shape (`info`, `error`, `details`), and what works now. */
export interface Readiness {
  /** `ok` when every required check is up, `error` otherwise (answered with 503). */
  status: 'ok' | 'error';
  info: HealthIndicatorResult;
  error: HealthIndicatorResult;
  details: HealthIndicatorResult;
  /** What the service can do at this moment, e.g. `{ accepting: true, publishing: false }`. */
  capabilities: Record<string, boolean>;
}

/**
 * Runs every check (a failing one reports `down`, it does not throw) and answers ready when the
 * `required` ones are up: a dependency that only some of the work needs is reported without
 * taking the whole service out of its load balancer. Throws the 503 when not ready.
 */
export async function readiness(
  checks: ReadinessCheck[],
  required: string[],
  capabilities: (up: (check: string) => boolean) => Record<string, boolean>,
): Promise<Readiness> {
  const results = await Promise.all(checks.map((check) => check()));
  const details: HealthIndicatorResult = Object.assign({}, ...results) as HealthIndicatorResult;
  const up = (check: string): boolean => details[check]?.status === 'up';
  const pick = (status: 'up' | 'down'): HealthIndicatorResult =>
    Object.fromEntries(Object.entries(details).filter(([, v]) => v.status === status));
  const answer: Readiness = {
    status: required.every(up) ? 'ok' : 'error',
    info: pick('up'),
    error: pick('down'),
    details,
    capabilities: capabilities(up),
  };
  if (answer.status === 'error') throw new ServiceUnavailableException(answer);
  return answer;
}
