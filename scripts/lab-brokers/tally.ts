export type Mode = 'at-most-once' | 'at-least-once' | 'exactly-once';
export type FaultKind = 'lost-response' | 'consumer-crash';
export const FAULTS: FaultKind[] = ['lost-response', 'consumer-crash'];

export interface Tally {
  sent: number;
  /** Side effects recorded, duplicates included. */
  processed: number;
  /** Sent ids with no side effect. */
  lost: number;
  /** Side effects beyond the first, summed over the sent ids. */
  duplicated: number;
  /** Side effects for ids that were never sent (a bug in the lab if not 0). */
  unexpected: number;
  /** Which ids were lost, and which had more than one side effect. */
  lostIds: string[];
  duplicatedIds: string[];
}

/** Compares what was sent with the side effects the consumers recorded. */
export function tally(sent: readonly string[], processed: readonly string[]): Tally {
  const expected = new Set(sent);
  const seen = new Map<string, number>();
  let unexpected = 0;
  for (const id of processed) {
    if (!expected.has(id)) unexpected++;
    else seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  let duplicated = 0;
  for (const count of seen.values()) duplicated += count - 1;
  return {
    sent: expected.size,
    processed: processed.length,
    lost: expected.size - seen.size,
    duplicated,
    unexpected,
    lostIds: [...expected].filter((id) => !seen.has(id)),
    duplicatedIds: [...seen].filter(([, count]) => count > 1).map(([id]) => id),
  };
}

/**
 * The counts a mode promises to keep at zero, and so the ones the lab asserts. At-most-once
 * promises nothing the lab can hold it to here (its losses are the point). JetStream's
 * exactly-once covers the publish (Msg-Id) and the ack (double ack), not the consumer's work: a
 * crash between the work and the ack redelivers, so only `lost` is asserted for that cell.
 */
export function mustBeZero(
  system: string,
  mode: Mode,
  fault: FaultKind,
): Array<'lost' | 'duplicated'> {
  if (mode === 'at-least-once') return ['lost'];
  if (mode === 'exactly-once')
    return system === 'NATS JetStream' && fault === 'consumer-crash'
      ? ['lost']
      : ['lost', 'duplicated'];
  return [];
}

/**
 * A cell passes when its asserted counts are zero, nothing unexpected was seen, and (when it
 * asserts anything) every planned fault was applied: a zero from a run without the fault proves
 * nothing.
 */
export function cellOk(
  counts: Tally,
  asserted: Array<'lost' | 'duplicated'>,
  faults: { planned: number; applied: number },
): boolean {
  if (counts.unexpected > 0) return false;
  if (asserted.length > 0 && faults.applied < faults.planned) return false;
  return asserted.every((field) => counts[field] === 0);
}
