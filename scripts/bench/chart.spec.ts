import type { BenchOptions } from './bench-options.js';
import { meetsTarget, renderChart } from './chart.js';
import type { Machine } from './machine.js';
import type { BenchResults, Measure } from './write-results.js';

const measure = (overrides: Partial<Measure>): Measure => ({
  measure: 'relay drain',
  value: 80,
  baseline: 'plain produce',
  baselineValue: 100,
  unit: '/s',
  ...overrides,
});

const results = (measures: Measure[]): BenchResults => ({
  startedAt: '2026-11-23T11:03:38.999Z',
  options: {} as BenchOptions,
  machine: {} as Machine,
  durationsSec: {},
  measures,
});

const barFills = (svg: string): string[] =>
  [...svg.matchAll(/<rect class="bar"[^>]* fill="([^"]+)"/g)].map((match) => match[1] ?? '');

describe('renderChart', () => {
  it('draws one bar per measure', () => {
    const svg = renderChart(
      results([
        measure({ target: 0.8 }),
        measure({ value: 120, target: 1.5, targetKind: 'max' }),
        measure({ value: 250 }),
      ]),
    );
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2); // no marker without a target
  });

  it('colours a bar by its target kind', () => {
    const svg = renderChart(
      results([
        measure({ value: 120, target: 1.5, targetKind: 'max' }), // 1.2 ≤ 1.5: met
        measure({ value: 80, target: 0.8 }), // 0.8 ≥ 0.8: met
        measure({ value: 120, target: 1.5 }), // 1.2 < 1.5: missed
        measure({ value: 120, target: 1, targetKind: 'max' }), // 1.2 > 1: missed
        measure({ value: 120 }), // no target
      ]),
    );
    const [maxMet, minMet, minMissed, maxMissed, none] = barFills(svg);
    expect(maxMet).toBe(minMet);
    expect(maxMissed).toBe(minMissed);
    expect(new Set([maxMet, maxMissed, none]).size).toBe(3);
    expect(svg).toContain('≤ 1.5');
    expect(meetsTarget(measure({ value: 120, target: 1.5, targetKind: 'max' }))).toBe(true);
    expect(meetsTarget(measure({ value: 120 }))).toBeUndefined();
  });

  it('escapes XML in labels', () => {
    const svg = renderChart(results([measure({ measure: 'a < b & "c" > \'d\'' })]));
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;');
    expect(svg).not.toContain('a < b');
  });
});
