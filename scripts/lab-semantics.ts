/**
 * `npm run lab:semantics [-- --seed N --duration-s S --brokers 1|3]`: the chaos run (same seeded
 * workload, same seeded fault schedule) three times, with the ledgers at each delivery guarantee,
 * then one table of what each lost and duplicated, counted per accepted transfer on the results
 * topic (read_committed). Written to .chaos/lab-<seed>-<client>.json too.
 *
 * Exit code 1 when the exactly-once run breaks any check: the other two are expected to.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryGuarantee } from '#kafka-eos';
import { repoRoot } from '../test/infra/repo-root.js';
import { libraryUnderTest } from '../test/support/client-under-test.js';
import { parseChaosOptions } from './chaos/chaos-options.js';
import { runChaos, type ChaosOutcome } from './chaos/run-chaos.js';
import { markdownTable } from './markdown-table.js';

const GUARANTEES: DeliveryGuarantee[] = ['at-most-once', 'at-least-once', 'exactly-once'];

async function main(): Promise<boolean> {
  const options = parseChaosOptions(process.argv.slice(2));
  const outcomes: Array<ChaosOutcome & { guarantee: DeliveryGuarantee }> = [];
  for (const guarantee of GUARANTEES) {
    console.log(`\n[lab] ${guarantee}: seed ${options.seed}, ${options.durationS} s of faults`);
    outcomes.push({ guarantee, ...(await runChaos({ ...options, guarantee })) });
  }
  const table = formatTable(outcomes);
  console.log(
    `\n[lab] seed ${options.seed}, Kafka client ${libraryUnderTest()}, the same workload and fault schedule each time:\n`,
  );
  console.log(table);
  for (const o of outcomes) {
    const missing =
      (o.guarantee === 'at-most-once' && o.tally.lost === 0) ||
      (o.guarantee === 'at-least-once' && o.tally.duplicated === 0);
    if (missing)
      console.log(`[lab] ${o.guarantee}: no fault of this schedule hit a batch in flight`);
  }
  const dir = join(repoRoot(), '.chaos');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `lab-${options.seed}-${libraryUnderTest()}.json`),
    `${JSON.stringify({ ...options, kafkaClient: libraryUnderTest(), outcomes }, null, 1)}\n`,
  );
  return outcomes.find((o) => o.guarantee === 'exactly-once')?.ok ?? false;
}

function formatTable(outcomes: Array<ChaosOutcome & { guarantee: DeliveryGuarantee }>): string {
  const header = [
    'guarantee',
    'accepted',
    'lost',
    'duplicated',
    'exactly once',
    'faults',
    'checks failed',
  ];
  const cells = outcomes.map((o) =>
    [
      o.guarantee,
      o.tally.accepted,
      o.tally.lost,
      o.tally.duplicated,
      o.tally.exactlyOnce,
      o.faults,
      o.checks.filter((c) => !c.ok).length,
    ].map(String),
  );
  return markdownTable(header, cells);
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error('[lab] aborted:', error);
    process.exit(1);
  },
);
