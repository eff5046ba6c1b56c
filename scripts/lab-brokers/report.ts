import type { FaultKind, Mode, Tally } from './tally.js';
import { markdownTable } from '../markdown-table.js';

/** One row of the lab's table. */
export interface CellResult extends Tally {
  system: string;
  mode: Mode;
  fault: FaultKind;
  faultsPlanned: number;
  faultsApplied: number;
  note?: string;
  asserted: Array<'lost' | 'duplicated'>;
  ok: boolean;
  seconds: number;
}

/** The table as Markdown: one row per system, mode and fault. */
export function formatTable(cells: CellResult[]): string {
  const header = [
    'system',
    'mode',
    'fault',
    'sent',
    'processed',
    'lost',
    'duplicated',
    'faults applied',
    'must be 0',
    'ok',
  ];
  const rows = cells.map((c) => [
    c.system,
    c.mode,
    c.fault,
    String(c.sent),
    String(c.processed),
    String(c.lost),
    String(c.duplicated),
    `${c.faultsApplied}/${c.faultsPlanned}${c.note ? ` (${c.note})` : ''}`,
    c.asserted.join(', ') || '-',
    c.ok ? 'yes' : 'NO',
  ]);
  return markdownTable(header, rows);
}
