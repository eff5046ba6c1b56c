import { waitFor } from '../../test/infra/wait-for.js';
import { CHAOS_CLIENT, type ChaosStack } from './chaos-stack.js';
import type { History } from './history.js';
import { POISON_CLIENT } from './inject-poison.js';
import type { Workload } from './workload.js';

const RESOLVE_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 120_000;
/**
 * Pending transfers that have not moved for this long are taken as stuck (what at-most-once
 * loses), so the run goes on to its checks instead of waiting out the whole deadline.
 */
const STUCK_AFTER_MS = 30_000;

/**
 * After the faults: retry every request whose outcome is still unknown until payments answers
 * it, then wait until payments holds no pending transfer. A deadline that passes is recorded and
 * left to the checks to report, rather than thrown: the run still checks what it can.
 */
export async function drain(
  stack: ChaosStack,
  workload: Workload,
  history: History,
): Promise<void> {
  const left = await workload.drain(Date.now() + RESOLVE_TIMEOUT_MS);
  history.event(
    'drain',
    left === 0 ? 'every request has a definite answer' : `${left} requests still unknown`,
  );
  let pending = -1;
  let changedAtMs = Date.now();
  try {
    await waitFor(
      async () => {
        const { rows } = await stack.paymentsSql.query<{ n: number }>(
          `select count(*)::int as n from transfers where client_id = any($1) and status = 'pending'`,
          [[CHAOS_CLIENT, POISON_CLIENT]],
        );
        const now = rows[0]?.n ?? -1;
        if (now !== pending) [pending, changedAtMs] = [now, Date.now()];
        return pending === 0 || Date.now() - changedAtMs >= STUCK_AFTER_MS;
      },
      { description: 'every transfer final', timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 250 },
    );
    history.event(
      'drain',
      pending === 0
        ? 'no transfer pending'
        : `${pending} transfers pending, unchanged for ${STUCK_AFTER_MS / 1000} s`,
    );
  } catch (error) {
    history.event('drain-timeout', (error as Error).message);
  }
}
