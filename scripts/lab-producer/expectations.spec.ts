import { verdict } from './expectations.js';
import type { CellOutcome } from './run-cell.js';

const cell = (overrides: Partial<CellOutcome>): CellOutcome => ({
  setting: 'transactional',
  fault: 'lost-response',
  applied: '',
  faultBit: true,
  sent: 10,
  acknowledged: 10,
  written: 10,
  lost: 0,
  unacknowledgedMissing: 0,
  duplicated: 0,
  outOfOrder: 0,
  unknown: 0,
  ...overrides,
});

describe('the producer lab verdict', () => {
  it('fails a transactional or idempotent cell that loses or doubles a record', () => {
    expect(verdict(cell({}))).toEqual([]);
    expect(verdict(cell({ lost: 1 }))).toEqual(['lost 1']);
    expect(verdict(cell({ setting: 'idempotent', duplicated: 2 }))).toEqual(['duplicated 2']);
  });

  it('shows, without failing, what a restarted idempotent producer writes again', () => {
    expect(
      verdict(cell({ setting: 'idempotent', fault: 'producer-killed', duplicated: 1 })),
    ).toEqual([]);
  });

  it('fails a cell meant to show a duplicate when none appears, and says when the fault never bit', () => {
    expect(verdict(cell({ setting: 'acks-all' }))).toEqual(['nothing duplicated']);
    expect(verdict(cell({ setting: 'acks-all', faultBit: false }))).toEqual([
      'the fault never bit',
    ]);
    expect(verdict(cell({ setting: 'acks-all', duplicated: 3 }))).toEqual([]);
  });

  it('fails acks=all when it loses an acknowledged record, and any cell with records never sent', () => {
    expect(verdict(cell({ setting: 'acks-all', fault: 'leader-killed', lost: 1 }))).toEqual([
      'lost 1',
    ]);
    expect(verdict(cell({ setting: 'acks0', unknown: 1 }))).toEqual([
      '1 record(s) the lab never sent',
    ]);
  });
});
