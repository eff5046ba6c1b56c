import type { BenchResults, Measure } from './write-results.js';

const width = 900;
const plotLeft = 320;
// Room to the right of the plot for the ratio printed at the end of a full-length bar.
const plotRight = 830;
const plotTop = 60;
const rowHeight = 56;
// Rough width of one 13 px sans-serif character: a longer name goes above its bar, not to the left.
const charWidth = 7;
const colours = { met: '#2e7d32', missed: '#c62828', none: '#6b8fb3' };
// A white outline keeps text readable where it crosses a gridline or a target marker.
const halo = 'stroke="#fff" stroke-width="3" paint-order="stroke"';

/**
 * Whether a measure's ratio (value ÷ baselineValue) meets its target: at least the target, or at
 * most it when targetKind is 'max'; undefined for a measure without a target. The markdown table
 * uses it too, so the table's verdict and the bar's colour cannot disagree.
 */
export function meetsTarget(m: Measure): boolean | undefined {
  if (m.target === undefined) return undefined;
  const ratio = m.value / m.baselineValue;
  return m.targetKind === 'max' ? ratio <= m.target : ratio >= m.target;
}

/**
 * A standalone SVG of the run's ratios, one horizontal bar per measure on a common axis with each
 * target marked on its own row, so latest.md shows at a glance which targets were met (written
 * by hand: the bench has no charting dependency).
 */
export function renderChart({ startedAt, measures }: BenchResults): string {
  const ratios = measures.map((m) => barLength(m.value / m.baselineValue));
  const targets = measures.flatMap((m) => (m.target === undefined ? [] : [m.target]));
  const largest = Math.max(1.2, ...ratios, ...targets);
  let step = 0.25;
  while (largest / step > 12) step *= 2;
  const xMax = Math.ceil(largest / step) * step;
  const x = (ratio: number): number =>
    Math.round((plotLeft + (ratio / xMax) * (plotRight - plotLeft)) * 10) / 10;
  const plotBottom = plotTop + measures.length * rowHeight;
  const height = plotBottom + 70;

  const grid: string[] = [];
  for (let i = 0; i * step <= xMax + 1e-9; i++) {
    const v = i * step;
    const stroke = v === 1 ? '#999' : '#ddd';
    grid.push(
      `<line x1="${x(v)}" y1="${plotTop - 4}" x2="${x(v)}" y2="${plotBottom}" stroke="${stroke}"/>`,
      `<text x="${x(v)}" y="${plotBottom + 16}" text-anchor="middle" font-size="11">${Number(v.toFixed(2))}</text>`,
    );
  }

  const rows = measures.map((m, i) => {
    const top = plotTop + i * rowHeight;
    const ratio = ratios[i] ?? 0;
    const met = meetsTarget(m);
    const fill = met === undefined ? colours.none : met ? colours.met : colours.missed;
    const name = escapeXml(m.measure);
    const labelWidth = m.measure.length * charWidth;
    const label =
      labelWidth <= plotLeft - 20
        ? `<text x="${plotLeft - 10}" y="${top + 31}" text-anchor="end">${name}</text>`
        : `<text x="${Math.max(10, Math.min(plotLeft, width - 10 - labelWidth))}" y="${top + 13}">${name}</text>`;
    const row = [
      label,
      `<rect class="bar" x="${plotLeft}" y="${top + 18}" width="${x(ratio) - plotLeft}" height="18" fill="${fill}"/>`,
    ];
    if (m.target !== undefined) {
      const sign = m.targetKind === 'max' ? '≤' : '≥';
      row.push(
        `<line x1="${x(m.target)}" y1="${top + 12}" x2="${x(m.target)}" y2="${top + 42}" stroke="#222" stroke-width="2" stroke-dasharray="4 3"/>`,
        `<text x="${x(m.target)}" y="${top + 52}" text-anchor="middle" font-size="10" ${halo}>${sign} ${m.target}</text>`,
      );
    }
    row.push(
      `<text x="${x(ratio) + 6}" y="${top + 31}" font-weight="bold" ${halo}>${(m.value / m.baselineValue).toFixed(2)}</text>`,
    );
    return row.join('\n');
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">Benchmark ${escapeXml(startedAt)} — ratios to baselines measured in the same run</text>`,
    ...grid,
    ...rows,
    `<text x="${(plotLeft + plotRight) / 2}" y="${plotBottom + 36}" text-anchor="middle" font-size="11">ratio = value ÷ baseline</text>`,
    `<text x="${width / 2}" y="${plotBottom + 58}" text-anchor="middle" font-size="11">` +
      `<tspan fill="${colours.met}">■</tspan> target met<tspan dx="16" fill="${colours.missed}">■</tspan> target missed` +
      `<tspan dx="16" fill="${colours.none}">■</tspan> no target<tspan dx="16">dashed line: target (≥ minimum, ≤ maximum)</tspan></text>`,
    '</svg>',
    '',
  ].join('\n');
}

// A ratio that cannot be drawn (a zero baseline, NaN) gets no bar; its printed value still shows it.
const barLength = (ratio: number): number => (Number.isFinite(ratio) && ratio > 0 ? ratio : 0);

const xmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => xmlEntities[c] ?? c);
