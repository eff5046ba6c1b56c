import { setTimeout as sleep } from 'node:timers/promises';
import { libraryUnderTest } from '../../test/support/client-under-test.js';
import { ChaosStack } from './chaos-stack.js';
import type { ChaosOptions } from './chaos-options.js';
import { checkInvariants, type CheckRow, type Tally } from './check-invariants.js';
import { drain } from './drain.js';
import { planFaults, type PlannedFault } from './fault-schedule.js';
import { History } from './history.js';
import { injectFault } from './inject-fault.js';
import { printChecks, writeRun, type RunRecord } from './report.js';
import { Workload } from './workload.js';

export interface ChaosOutcome {
  /** Every check held. */
  ok: boolean;
  checks: CheckRow[];
  tally: Tally;
  faults: number;
}

/** One chaos run: start, load and faults for the duration, drain, check, report. */
export async function runChaos(options: ChaosOptions): Promise<ChaosOutcome> {
  const { seed, durationS, guarantee, brokers } = options;
  const started = Date.now();
  const history = new History();
  const kinds = options.faultKinds ? `, faults ${options.faultKinds.join(',')}` : '';
  history.event(
    'run',
    `seed ${seed}, ${durationS} s, ${guarantee}, ${brokers} Kafka node(s)${kinds}`,
  );
  const stack = await ChaosStack.start(history, options);
  const interrupted = (): void => {
    void stack.close({ keepDatabases: false }).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  let allOk = false;
  try {
    const workload = new Workload(stack, history, seed);
    const clients = workload.run();
    const faults = await runSchedule(
      stack,
      planFaults(seed, {
        brokers: stack.infra.localKafka ? brokers : 0,
        postgres: Boolean(stack.postgres),
        only: options.faultKinds,
      }),
      durationS * 1000,
      history,
    );
    workload.stop();
    await clients;
    history.event('load', `stopped after ${history.operations.length} operations`);
    await stack.ensureRunning();
    await drain(stack, workload, history);
    const { checks, tally } = await checkInvariants(stack, history);
    printChecks(checks);
    allOk = checks.every((c) => c.ok);
    const record: RunRecord = {
      ...options,
      faults,
      checks,
      tally,
      elapsedMs: Date.now() - started,
    };
    console.log(
      `\n[chaos] seed ${seed}; ${faults.length} faults; history in ${writeRun(record, history, stack)}`,
    );
    return { ok: allOk, checks, tally, faults: faults.length };
  } finally {
    process.off('SIGINT', interrupted);
    // A failed exactly-once run keeps its databases for a look (their names are in the run file);
    // the lab's weaker guarantees are expected to fail.
    await stack.close({ keepDatabases: !allOk && guarantee === 'exactly-once' });
    console.log(
      `[chaos] ${allOk ? 'all checks hold' : 'FAILED'} (seed ${seed}, ${guarantee}, Kafka client ${libraryUnderTest()}, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
}

/** Injects faults from the schedule until the duration is over; returns the ones injected. */
async function runSchedule(
  stack: ChaosStack,
  schedule: PlannedFault[],
  durationMs: number,
  history: History,
): Promise<Array<PlannedFault & { atMs: number }>> {
  const endMs = history.now() + durationMs;
  const injected: Array<PlannedFault & { atMs: number }> = [];
  for (const fault of schedule) {
    if (history.now() + fault.gapMs >= endMs) break;
    await sleep(fault.gapMs);
    injected.push({ ...fault, atMs: history.now() });
    await injectFault(stack, fault, history);
  }
  await sleep(Math.max(0, endMs - history.now()));
  history.event('faults', `stopped after ${injected.length} faults`);
  return injected;
}
