import { coordinatesOf, type DeadLetter } from './dead-letter-record.js';
import type { Coordinates, ReplaySelection } from './dlq-options.js';
import { replayIdentity, type LoggedReplays, type ReplayLogEntry } from './replay-log.js';

export interface ReplayPlan {
  /** To re-publish, in dead-letter order. */
  replay: DeadLetter[];
  /** Chosen but not re-published, each with why. */
  skipped: Array<{ letter: DeadLetter; why: string }>;
}

/** The dead letters the operator chose, and the chosen coordinates that hold none. */
export function selectDeadLetters(
  letters: DeadLetter[],
  selection: ReplaySelection,
): { chosen: DeadLetter[]; missing: Coordinates[] } {
  switch (selection.kind) {
    case 'all':
      return { chosen: letters, missing: [] };
    case 'reason': {
      const needle = selection.reason.toLowerCase();
      return {
        chosen: letters.filter((l) => l.reason?.toLowerCase().includes(needle)),
        missing: [],
      };
    }
    case 'coordinates': {
      const wanted = new Set(selection.coordinates.map(coordinatesOf));
      const found = new Set(letters.map(coordinatesOf));
      return {
        chosen: letters.filter((l) => wanted.has(coordinatesOf(l))),
        missing: [...wanted]
          .filter((c) => !found.has(c))
          .map((c) => selection.coordinates.find((x) => coordinatesOf(x) === c) as Coordinates),
      };
    }
  }
}

/**
 * Which chosen dead letters to re-publish and why the others are not: already in the replay log
 * (replayed and committed before), a value cut to fit the dead-letter topic, no known source,
 * a source that no longer exists, or answered already (unless `includeAnswered`).
 */
export function planReplay(
  chosen: DeadLetter[],
  log: LoggedReplays,
  options: { includeAnswered: boolean; sourcePartitions: Map<string, number> },
): ReplayPlan {
  const plan: ReplayPlan = { replay: [], skipped: [] };
  for (const letter of chosen) {
    const why = reasonToSkip(letter, log.get(replayIdentity(letter, letter.source)), options);
    if (why) plan.skipped.push({ letter, why });
    else plan.replay.push(letter);
  }
  return plan;
}

function reasonToSkip(
  letter: DeadLetter,
  logged: (ReplayLogEntry & { logOffset: string }) | undefined,
  { includeAnswered, sourcePartitions }: Parameters<typeof planReplay>[2],
): string | undefined {
  if (logged)
    return `already replayed at ${logged.replayedAt} (replay log offset ${logged.logOffset})`;
  if (letter.truncatedBytes !== undefined)
    return `its value was truncated to fit the dead-letter topic (original ${letter.truncatedBytes} bytes): it cannot be replayed as it is`;
  if (!letter.source)
    return 'no dlq-source-topic / dlq-source-partition header: its source is unknown';
  const partitions = sourcePartitions.get(letter.source.topic);
  if (partitions === undefined) return `its source topic ${letter.source.topic} does not exist`;
  if (letter.source.partition >= partitions)
    return `its source partition ${letter.source.partition} does not exist (${letter.source.topic} has ${partitions})`;
  if (letter.answered === true && !includeAnswered)
    return 'answered already (dlq-answered: true): its request was ended when it failed, and replaying it only repeats that answer; --include-answered replays it anyway';
  return undefined;
}
