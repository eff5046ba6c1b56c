import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '#test-infra';
import type { BenchOptions } from './bench-options.js';
import type { Machine } from './machine.js';

/** One row of the table: a rate, the baseline it is divided by, and the target. */
export interface Measure {
  measure: string;
  value: number;
  baseline: string;
  baselineValue: number;
  unit: string;
  /** Minimum value of value ÷ baselineValue (issue 7). */
  target: number;
}

export interface BenchResults {
  startedAt: string;
  options: BenchOptions;
  machine: Machine;
  /** Wall-clock seconds of each phase. */
  durationsSec: Record<string, number>;
  measures: Measure[];
}

/** Writes bench/results/<timestamp>.json and bench/results/latest.md; returns their paths. */
export function writeResults(results: BenchResults): string[] {
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${results.startedAt.replaceAll(':', '-')}.json`);
  const withRatios = {
    ...results,
    measures: results.measures.map((m) => ({ ...m, ratio: round(m.value / m.baselineValue, 3) })),
  };
  writeFileSync(json, `${JSON.stringify(withRatios, null, 2)}\n`);
  const md = join(dir, 'latest.md');
  writeFileSync(md, markdown(results));
  return [json, md];
}

function markdown({ startedAt, options, machine, durationsSec, measures }: BenchResults): string {
  const rows = measures.map((m) => {
    const ratio = m.value / m.baselineValue;
    const verdict = ratio >= m.target ? 'met' : 'missed';
    return `| ${m.measure} | ${fmt(m.value)} ${m.unit} | ${m.baseline}: ${fmt(m.baselineValue)} ${m.unit} | ${ratio.toFixed(2)} | ≥ ${m.target} (${verdict}) |`;
  });
  const durations = Object.entries(durationsSec).map(([phase, s]) => `${phase} ${s.toFixed(1)} s`);
  return [
    `# Benchmark ${startedAt}${options.quick ? ' (--quick)' : ''}`,
    '',
    '| measure | value | baseline | ratio | target |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}; ` +
      `Node ${machine.node}, Kafka ${machine.kafka}, PostgreSQL ${machine.postgres}.`,
    '',
    `Load: ${options.outboxRows} outbox rows per relay run, ${options.partitions} partitions; ` +
      `${options.writes} writes at concurrency ${options.concurrency} after ${options.warmUpWrites} warm-up.`,
    '',
    `Phases: ${durations.join(', ')}.`,
    '',
  ].join('\n');
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const round = (n: number, digits: number): number => Number(n.toFixed(digits));
