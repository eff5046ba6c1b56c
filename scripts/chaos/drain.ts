import { waitFor } from '../../test/infra/wait-for.js';
import { CHAOS_CLIENT, type ChaosStack } from './chaos-stack.js';
import type { History } from './history.js';
import type { Workload } from './workload.js';

const RESOLVE_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 120_000;

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
  try {
    await waitFor(
      async () => {
        const { rows } = await stack.paymentsSql.query<{ n: number }>(
          `select count(*)::int as n from transfers where client_id = $1 and status = 'pending'`,
          [CHAOS_CLIENT],
        );
        return rows[0]?.n === 0;
      },
      { description: 'every transfer final', timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 250 },
    );
    history.event('drain', 'no transfer pending');
  } catch (error) {
    history.event('drain-timeout', (error as Error).message);
  }
}
