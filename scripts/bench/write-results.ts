import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '#test-infra';
import type { BenchOptions } from './bench-options.js';
import { meetsTarget, renderChart } from './chart.js';
import type { Machine } from './machine.js';

/** One row of the table: a rate or latency, the baseline it is divided by, and the target. */
export interface Measure {
  measure: string;
  value: number;
  baseline: string;
  baselineValue: number;
  unit: string;
  /**
   * Bound on value ÷ baselineValue (issue 7); absent for a measure shown for information only
   * (e.g. 3 instances ÷ 1 instance), which is then neither met nor missed.
   */
  target?: number;
  /** 'max' when the ratio must stay at most the target (e.g. a p99 latency); default 'min'. */
  targetKind?: 'min' | 'max';
}

export interface BenchResults {
  startedAt: string;
  options: BenchOptions;
  machine: Machine;
  /** Wall-clock seconds of each phase. */
  durationsSec: Record<string, number>;
  measures: Measure[];
  /** Markdown lines printed under the chart (e.g. each guarantee's latencies). */
  details?: string[];
}

/** Writes bench/results/<timestamp>.json, latest.md and latest.svg; returns their paths. */
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
  const svg = join(dir, 'latest.svg');
  writeFileSync(svg, renderChart(results));
  return [json, md, svg];
}

function markdown(results: BenchResults): string {
  const { startedAt, options, machine, durationsSec, measures, details = [] } = results;
  const rows = measures.map((m) => {
    const ratio = m.value / m.baselineValue;
    const sign = m.targetKind === 'max' ? '≤' : '≥';
    const target =
      m.target === undefined ? '—' : `${sign} ${m.target} (${meetsTarget(m) ? 'met' : 'missed'})`;
    return `| ${m.measure} | ${fmt(m.value)} ${m.unit} | ${m.baseline}: ${fmt(m.baselineValue)} ${m.unit} | ${ratio.toFixed(2)} | ${target} |`;
  });
  const durations = Object.entries(durationsSec).map(([phase, s]) => `${phase} ${s.toFixed(1)} s`);
  return [
    `# Benchmark ${startedAt}${options.quick ? ' (--quick)' : ''}`,
    '',
    '| measure | value | baseline | ratio | target |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '![ratios](latest.svg)',
    '',
    ...(details.length > 0 ? [...details, ''] : []),
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.os}; ` +
      `Node ${machine.node}, Kafka ${machine.kafka}, PostgreSQL ${machine.postgres}.`,
    '',
    `Load: ${options.outboxRows} outbox rows per relay run, ${options.partitions} partitions; ` +
      `${options.writes} writes at concurrency ${options.concurrency} after ${options.warmUpWrites} warm-up; ` +
      `end to end ${options.endToEndTransfers} transfers per guarantee, then ${options.steadySeconds} s at ` +
      `${options.steadyShare} × exactly-once's throughput; ledger ${options.ledgerTransfers} transfers; ` +
      `${options.copyRecords} records per copy (copy loop, Kafka Streams).`,
    '',
    `Phases: ${durations.join(', ')}.`,
    '',
  ].join('\n');
}

/** Whole numbers with separators; below 100 two decimals (CPU ms per transfer is ~1-7). */
export const fmt = (n: number): string =>
  Math.abs(n) < 100 && !Number.isInteger(n) ? n.toFixed(2) : Math.round(n).toLocaleString('en-US');
const round = (n: number, digits: number): number => Number(n.toFixed(digits));
