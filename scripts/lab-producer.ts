/**
 * `npm run lab:producer [-- --seed N --records R]`: the producer side of the delivery semantics.
 * On a 3-node cluster (replication factor 3, min.insync.replicas 2) with every node behind a
 * fault-injecting proxy, the same workload of R keyed records is sent with each producer
 * setting under each fault; every topic is read back with Kafka's own console consumer
 * (read_committed) and one table says what each cell wrote, lost, doubled and reordered.
 * Written to .chaos/lab-producer-<seed>.json too.
 *
 * Exit code 1 when a cell breaks what the seeds claim (see expectations.ts): the idempotent and
 * transactional rows lose or double a record where they must not, acks=all loses one, or a
 * retrying producer without idempotence does not double a record whose answer was lost.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalKafkaCluster, pinnedVersions, repoRoot } from '../test/infra/index.js';
import { Prng } from './chaos/prng.js';
import { expectationsFor, verdict } from './lab-producer/expectations.js';
import { runCell, type CellOutcome } from './lab-producer/run-cell.js';
import { FAULT_LABELS, PRODUCER_FAULTS, PRODUCER_SETTINGS } from './lab-producer/settings.js';
import { markdownTable } from './markdown-table.js';

interface LabOptions {
  seed: number;
  records: number;
  /** Only these settings / faults (default: all), for a quicker look at a few cells. */
  settings: string[];
  faults: string[];
}

function parseOptions(argv: string[]): LabOptions {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(value('--seed') ?? randomInt(1, 2 ** 31));
  const records = Number(value('--records') ?? 200);
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be an integer ≥ 0');
  if (!Number.isInteger(records) || records < 60) throw new Error('--records must be ≥ 60');
  const settings = value('--settings')?.split(',') ?? PRODUCER_SETTINGS.map((s) => s.id);
  const faults = value('--faults')?.split(',') ?? [...PRODUCER_FAULTS];
  const unknown = [
    ...settings.filter((id) => !PRODUCER_SETTINGS.some((s) => s.id === id)),
    ...faults.filter((f) => !(PRODUCER_FAULTS as readonly string[]).includes(f)),
  ];
  if (unknown.length > 0)
    throw new Error(
      `unknown --settings/--faults: ${unknown.join()} (settings: ${PRODUCER_SETTINGS.map((s) => s.id).join()}; faults: ${PRODUCER_FAULTS.join()})`,
    );
  return { seed, records, settings, faults };
}

async function main(): Promise<boolean> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string): void => console.log(`[lab producer] ${line}`);
  log(`seed ${options.seed}, ${options.records} records per cell; starting 3 proxied nodes`);
  const cluster = await LocalKafkaCluster.start({
    version: pinnedVersions().kafka,
    size: 3,
    proxied: true,
    log,
    // A dead leader is noticed in seconds, not the default 9 s.
    properties: { 'broker.session.timeout.ms': '4000', 'broker.heartbeat.interval.ms': '1000' },
  });
  const prng = new Prng(options.seed);
  const outcomes: Array<CellOutcome & { problems: string[] }> = [];
  try {
    for (const setting of PRODUCER_SETTINGS.filter((s) => options.settings.includes(s.id))) {
      for (const fault of PRODUCER_FAULTS.filter((f) => options.faults.includes(f))) {
        const started = Date.now();
        const outcome = await runCell(
          { cluster, prng, records: options.records, log },
          setting,
          fault,
        );
        const problems = verdict(outcome);
        outcomes.push({ ...outcome, problems });
        log(
          `${setting.label} × ${FAULT_LABELS[fault]}: lost ${outcome.lost}, duplicated ` +
            `${outcome.duplicated}, out of order ${outcome.outOfOrder} (${outcome.applied}; ` +
            `${Math.round((Date.now() - started) / 1000)} s)${problems.length ? ` FAILS: ${problems.join('; ')}` : ''}`,
        );
      }
    }
  } catch (error) {
    cluster.saveLogs(join(repoRoot(), '.chaos', `lab-producer-${options.seed}-logs`));
    throw error;
  } finally {
    await cluster.stop();
  }
  console.log(`\n[lab producer] seed ${options.seed}, ${options.records} records per cell:\n`);
  console.log(formatTable(outcomes));
  const dir = join(repoRoot(), '.chaos');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `lab-producer-${options.seed}.json`),
    `${JSON.stringify({ ...options, outcomes }, null, 1)}\n`,
  );
  const failed = outcomes.filter((o) => o.problems.length > 0);
  for (const o of failed)
    console.log(`[lab producer] FAILED ${o.setting} × ${o.fault}: ${o.problems.join('; ')}`);
  return failed.length === 0;
}

/** `holds` for a cell whose expectations were checked, `shown` for one without any. */
function checkCell(o: CellOutcome & { problems: string[] }): string {
  if (o.problems.length > 0) return `FAILS: ${o.problems.join('; ')}`;
  const expected = expectationsFor(o.setting, o.fault);
  return expected.lost === 'shown' && expected.duplicated === 'shown' ? 'shown' : 'holds';
}

function formatTable(outcomes: Array<CellOutcome & { problems: string[] }>): string {
  const header = [
    'setting',
    'fault',
    'acknowledged',
    'written',
    'lost',
    'duplicated',
    'out of order',
    'unacknowledged, missing',
    'check',
  ];
  const label = (id: string): string => PRODUCER_SETTINGS.find((s) => s.id === id)?.label ?? id;
  const cells = outcomes.map((o) =>
    [
      label(o.setting),
      FAULT_LABELS[o.fault],
      o.acknowledged,
      o.written,
      o.lost,
      o.duplicated,
      o.outOfOrder,
      o.unacknowledgedMissing,
      checkCell(o),
    ].map(String),
  );
  return markdownTable(header, cells);
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error('[lab producer] aborted:', error);
    process.exit(1);
  },
);
