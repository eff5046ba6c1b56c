import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../test/infra/repo-root.js';
import type { ChaosStack } from './chaos-stack.js';
import type { ChaosOptions } from './chaos-options.js';
import type { CheckRow, Tally } from './check-invariants.js';
import type { PlannedFault } from './fault-schedule.js';
import type { History } from './history.js';

export interface RunRecord extends ChaosOptions {
  /** The faults injected, in order (the rest of the planned schedule was not reached). */
  faults: Array<PlannedFault & { atMs: number }>;
  checks: CheckRow[];
  tally: Tally;
  elapsedMs: number;
}

export function printChecks(rows: CheckRow[]): void {
  const width = Math.max(...rows.map((r) => r.check.length));
  console.log(`\n${'check'.padEnd(width)} | ${'count'.padStart(6)} | ok`);
  console.log(`${'-'.repeat(width)}-|-${'-'.repeat(6)}-|---`);
  for (const r of rows) {
    console.log(
      `${r.check.padEnd(width)} | ${String(r.count).padStart(6)} | ${r.ok ? 'yes' : 'NO'}`,
    );
  }
  for (const r of rows.filter((r) => !r.ok)) {
    console.log(`\nFAILED ${r.check}:\n  ${r.offenders.join('\n  ')}`);
  }
}

/** Writes .chaos/run-<seed>.json (seed, schedule, checks, history) and the processes' logs. */
export function writeRun(record: RunRecord, history: History, stack: ChaosStack): string {
  const dir = join(repoRoot(), '.chaos');
  mkdirSync(dir, { recursive: true });
  const name = `run-${record.seed}${record.guarantee === 'exactly-once' ? '' : `-${record.guarantee}`}`;
  const file = join(dir, `${name}.json`);
  const databases = { payments: stack.fx.paymentsDb.name, ledger: stack.fx.ledgerDb.name };
  const json = {
    ...record,
    databases,
    topics: stack.fx.topics,
    events: history.events,
    operations: history.operations,
  };
  writeFileSync(file, `${JSON.stringify(json, null, 1)}\n`);
  const logs = stack
    .instances()
    .map(({ process: p, url }) => `===== ${p.name} pid ${p.pid} ${url}\n${p.log}`);
  writeFileSync(join(dir, `${name}.logs.txt`), logs.join('\n'));
  if (!record.checks.every((c) => c.ok))
    stack.infra.localKafka?.saveLogs(join(dir, `${name}-kafka`));
  return file;
}
