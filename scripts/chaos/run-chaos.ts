import { setTimeout as sleep } from 'node:timers/promises';
import { ChaosStack } from './chaos-stack.js';
import type { ChaosOptions } from './chaos-options.js';
import { checkInvariants } from './check-invariants.js';
import { drain } from './drain.js';
import { planFaults, type PlannedFault } from './fault-schedule.js';
import { History } from './history.js';
import { injectFault } from './inject-fault.js';
import { printChecks, writeRun, type RunRecord } from './report.js';
import { Workload } from './workload.js';

/** One chaos run: start, load and faults for the duration, drain, check, report. True when every check holds. */
export async function runChaos({ seed, durationS }: ChaosOptions): Promise<boolean> {
  const started = Date.now();
  const history = new History();
  history.event('run', `seed ${seed}, duration ${durationS} s`);
  const stack = await ChaosStack.start(history);
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
      planFaults(seed, Boolean(stack.infra.localKafka)),
      durationS * 1000,
      history,
    );
    workload.stop();
    await clients;
    history.event('load', `stopped after ${history.operations.length} operations`);
    await stack.ensureRunning();
    await drain(stack, workload, history);
    const checks = await checkInvariants(stack, history);
    printChecks(checks);
    allOk = checks.every((c) => c.ok);
    const record: RunRecord = { seed, durationS, faults, checks, elapsedMs: Date.now() - started };
    console.log(
      `\n[chaos] seed ${seed}; ${faults.length} faults; history in ${writeRun(record, history, stack)}`,
    );
    return allOk;
  } finally {
    process.off('SIGINT', interrupted);
    // A failed run keeps its databases for a look (their names are in the run file).
    await stack.close({ keepDatabases: !allOk });
    console.log(
      `[chaos] ${allOk ? 'all checks hold' : 'FAILED'} (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
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
