import type { CellOutcome } from './run-cell.js';
import type { ProducerFault } from './settings.js';

/** `none`: the seeds say it cannot happen (asserted); `some`: the cell exists to show it happen. */
export type Expectation = 'none' | 'some' | 'shown';

/**
 * What the seeds (and Kafka's design) say each cell must show. Only `none` and `some` are checked;
 * `shown` cells print what happened without a verdict.
 * - acks=all never loses an acknowledged record (with min.insync.replicas=2), idempotent or not;
 *   without idempotence, a retry after a lost answer writes the record twice (seed 001).
 * - An idempotent producer answers a retry as a duplicate (seed 001), also across a leader change;
 *   a producer process that restarts is a new producer id, though, so what it sends again can be
 *   written again: only a transactional id carries over a restart (seeds 002, 004).
 * - A transactional producer loses and doubles nothing under any of the faults.
 */
export function expectationsFor(
  setting: string,
  fault: ProducerFault,
): { lost: Expectation; duplicated: Expectation } {
  switch (setting) {
    case 'transactional':
      return { lost: 'none', duplicated: 'none' };
    case 'idempotent':
      return { lost: 'none', duplicated: fault === 'producer-killed' ? 'shown' : 'none' };
    case 'acks-all':
      return { lost: 'none', duplicated: fault === 'lost-response' ? 'some' : 'shown' };
    case 'acks1':
      return {
        lost: fault === 'leader-killed' ? 'some' : 'shown',
        duplicated: fault === 'lost-response' ? 'some' : 'shown',
      };
    default:
      return { lost: 'shown', duplicated: 'shown' };
  }
}

/** Why a cell fails the lab, or nothing when it holds. */
export function verdict(outcome: CellOutcome): string[] {
  const problems: string[] = [];
  const expected = expectationsFor(outcome.setting, outcome.fault);
  if (outcome.unknown > 0) problems.push(`${outcome.unknown} record(s) the lab never sent`);
  for (const what of ['lost', 'duplicated'] as const) {
    if (expected[what] === 'none' && outcome[what] > 0) problems.push(`${what} ${outcome[what]}`);
    if (expected[what] === 'some' && outcome[what] === 0)
      problems.push(outcome.faultBit ? `nothing ${what}` : 'the fault never bit');
  }
  return problems;
}
