import { waitFor } from '../../test/infra/wait-for.js';
import { CHAOS_CLIENT, type ChaosStack } from './chaos-stack.js';
import { readPositions } from './check-kafka.js';
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
/** Consumer groups whose committed offsets have not moved for this long are taken as settled. */
const OFFSETS_QUIET_MS = 5_000;
const OFFSETS_TIMEOUT_MS = 60_000;

/**
 * After the faults: retry every request whose outcome is still unknown until payments answers
 * it, then wait until payments holds no pending transfer, then until the consumer groups'
 * committed offsets stop moving. A deadline that passes is recorded and left to the checks to
 * report, rather than thrown: the run still checks what it can.
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
  await offsetsSettled(stack, history);
}

/**
 * Settlement writes a transfer's final status before its Kafka transaction commits the offsets
 * of the results it read, so "no transfer pending" can come while that transaction is still
 * open: read at once, its group's offsets are short by one batch (seen under confluent, whose
 * one producer per instance commits its transactions one after another). Waits until every
 * group stands at the end of each partition, or no committed offset has moved for
 * `OFFSETS_QUIET_MS`: the checks then read offsets that no open transaction will still move.
 * An offset that stops short of a committed record is still reported by the checks.
 */
async function offsetsSettled(stack: ChaosStack, history: History): Promise<void> {
  let last = '';
  let movedAtMs = Date.now();
  try {
    const how = await waitFor(
      async () => {
        const now = await readPositions(stack);
        const committed = now.map((p) => `${p.group} ${p.topic}[${p.partition}] ${p.committed}`);
        if (committed.join() !== last) [last, movedAtMs] = [committed.join(), Date.now()];
        if (now.every((p) => p.committed === p.end)) return 'every group at the end offsets';
        return Date.now() - movedAtMs >= OFFSETS_QUIET_MS
          ? `committed offsets unchanged for ${OFFSETS_QUIET_MS / 1000} s`
          : undefined;
      },
      {
        description: 'committed offsets to settle',
        timeoutMs: OFFSETS_TIMEOUT_MS,
        intervalMs: 500,
      },
    );
    history.event('drain', how);
  } catch (error) {
    history.event('drain-timeout', (error as Error).message);
  }
}
