import { keyOf } from './workload.js';

/** What one cell's producer was told, and what the topic holds afterwards. */
export interface CellTally {
  sent: number;
  /** Distinct ids the producer was told were written (a send or commit resolved). */
  acknowledged: number;
  /** Distinct ids in the topic (read_committed). */
  written: number;
  /** Acknowledged, and not in the topic: the producer believes them delivered. */
  lost: number;
  /** Never acknowledged and not in the topic: the producer knows (it was told, or died). */
  unacknowledgedMissing: number;
  /** Copies in the topic beyond an id's first. */
  duplicated: number;
  /** First copies that come after a higher id of the same key. */
  outOfOrder: number;
  /** Ids in the topic that the workload never sent (must be 0: a check on the lab itself). */
  unknown: number;
}

/** `read`: the ids in the order the topic holds them (one partition). */
export function tallyCell(
  sent: readonly number[],
  acked: ReadonlySet<number>,
  read: readonly number[],
): CellTally {
  const sentSet = new Set(sent);
  const seen = new Set<number>();
  const highestByKey = new Map<string, number>();
  let duplicated = 0;
  let outOfOrder = 0;
  let unknown = 0;
  for (const id of read) {
    if (!sentSet.has(id)) {
      unknown++;
      continue;
    }
    if (seen.has(id)) {
      duplicated++;
      continue;
    }
    seen.add(id);
    const key = keyOf(id);
    const highest = highestByKey.get(key);
    if (highest !== undefined && id < highest) outOfOrder++;
    else highestByKey.set(key, id);
  }
  const ackedSent = sent.filter((id) => acked.has(id));
  const lost = ackedSent.filter((id) => !seen.has(id)).length;
  const missing = sent.filter((id) => !seen.has(id)).length;
  return {
    sent: sent.length,
    acknowledged: ackedSent.length,
    written: seen.size,
    lost,
    unacknowledgedMissing: missing - lost,
    duplicated,
    outOfOrder,
    unknown,
  };
}
