import { coordinatesOf, type DeadLetter } from './dead-letter-record.js';
import { normaliseReason } from './normalise-reason.js';
import type { PartitionRange } from './read-to-end.js';
import { replayIdentity } from './replay-log.js';

/** One cause of failure in one dead-letter topic. */
export interface ReasonGroup {
  /** The reason with ids and numbers collapsed (`normaliseReason`). */
  reason: string;
  count: number;
  /** Up to three of the reasons as written, for the details the normalised one hides. */
  examples: string[];
  /** Source topic → the partitions its records came from. */
  sources: Record<string, number[]>;
  firstAt: string;
  lastAt: string;
  attempts: { min: number; max: number } | null;
  /** By `dlq-answered`: true, false, or no header (written before the header existed). */
  answered: { yes: number; no: number; unknown: number };
  /** Records whose value was cut to fit the topic: they cannot be replayed. */
  truncated: number;
  /** Records the topic's replay log holds. */
  replayed: number;
  /** Every record's `<partition>:<offset>`, in offset order. */
  records: string[];
}

export interface TopicSummary {
  topic: string;
  exists: boolean;
  /** Per partition: the earliest offset kept and the end offset read to. */
  partitions: Array<{ partition: number; low: string; end: string }>;
  total: number;
  replayed: number;
  groups: ReasonGroup[];
}

/** What failed in one dead-letter topic, why and how often: one group per normalised reason. */
export function summariseDeadLetters(
  topic: string,
  letters: DeadLetter[],
  ranges: PartitionRange[],
  replayed: Set<string>,
): TopicSummary {
  const groups = new Map<string, ReasonGroup>();
  for (const letter of letters) {
    const reason = normaliseReason(letter.reason);
    const group = groups.get(reason) ?? emptyGroup(reason, letter.timestamp);
    groups.set(reason, group);
    add(group, letter, replayed.has(replayIdentity(letter, letter.source)));
  }
  const sorted = [...groups.values()].sort(
    (a, b) => b.count - a.count || a.firstAt.localeCompare(b.firstAt),
  );
  return {
    topic,
    exists: true,
    partitions: ranges
      .filter((r) => r.topic === topic)
      .map((r) => ({ partition: r.partition, low: String(r.low), end: String(r.end) })),
    total: letters.length,
    replayed: sorted.reduce((n, g) => n + g.replayed, 0),
    groups: sorted,
  };
}

function emptyGroup(reason: string, at: string): ReasonGroup {
  return {
    reason,
    count: 0,
    examples: [],
    sources: {},
    firstAt: at,
    lastAt: at,
    attempts: null,
    answered: { yes: 0, no: 0, unknown: 0 },
    truncated: 0,
    replayed: 0,
    records: [],
  };
}

function add(group: ReasonGroup, letter: DeadLetter, replayed: boolean): void {
  group.count += 1;
  const raw = letter.reason ?? group.reason;
  if (group.examples.length < 3 && !group.examples.includes(raw)) group.examples.push(raw);
  if (letter.source) {
    const partitions = (group.sources[letter.source.topic] ??= []);
    if (!partitions.includes(letter.source.partition)) {
      partitions.push(letter.source.partition);
      partitions.sort((a, b) => a - b);
    }
  }
  if (letter.timestamp < group.firstAt) group.firstAt = letter.timestamp;
  if (letter.timestamp > group.lastAt) group.lastAt = letter.timestamp;
  if (letter.attempts !== undefined) {
    const { min, max } = group.attempts ?? { min: letter.attempts, max: letter.attempts };
    group.attempts = { min: Math.min(min, letter.attempts), max: Math.max(max, letter.attempts) };
  }
  const answered =
    letter.answered === undefined ? 'unknown' : letter.answered === true ? 'yes' : 'no';
  group.answered[answered] += 1;
  if (letter.truncatedBytes !== undefined) group.truncated += 1;
  if (replayed) group.replayed += 1;
  group.records.push(coordinatesOf(letter));
}

/** The summaries as an operator reads them: per topic, per reason, the first records of each. */
export function formatSummaries(summaries: TopicSummary[], { allRecords = false } = {}): string {
  const lines: string[] = [];
  for (const s of summaries) {
    if (!s.exists) {
      lines.push(`${s.topic}: no such topic (nothing was dead-lettered there, or another name)`);
      continue;
    }
    const read = s.partitions
      .map((p) => `partition ${p.partition}: offsets ${p.low} up to ${p.end}`)
      .join(', ');
    const replayed = s.replayed > 0 ? `, ${s.replayed} replayed` : '';
    lines.push(`${s.topic}: ${s.total} dead letters${replayed} (${read})`);
    for (const g of s.groups) lines.push(...formatGroup(g, allRecords));
  }
  return lines.join('\n');
}

const RECORDS_SHOWN = 10;

function formatGroup(g: ReasonGroup, allRecords: boolean): string[] {
  const sources = Object.entries(g.sources)
    .map(([topic, partitions]) => `${topic}[${partitions.join(',')}]`)
    .join(' ');
  const attempts =
    g.attempts === null
      ? 'attempts ?'
      : g.attempts.min === g.attempts.max
        ? `attempts ${g.attempts.min}`
        : `attempts ${g.attempts.min}–${g.attempts.max}`;
  const answered = (['yes', 'no', 'unknown'] as const)
    .filter((k) => g.answered[k] > 0)
    .map((k) => `${k} ${g.answered[k]}`)
    .join(', ');
  const notes = [
    g.truncated > 0 ? `${g.truncated} truncated (cannot be replayed)` : '',
    g.replayed > 0 ? `${g.replayed} replayed` : '',
  ].filter(Boolean);
  const shown = allRecords ? g.records : g.records.slice(0, RECORDS_SHOWN);
  const more = g.records.length - shown.length;
  return [
    `  ${g.count}× ${g.reason}`,
    ...g.examples.filter((e) => e !== g.reason).map((e) => `      e.g. ${e}`),
    `      from ${sources || '(no dlq-source headers)'} · ${g.firstAt} … ${g.lastAt}`,
    `      ${attempts} · answered: ${answered}${notes.length > 0 ? ` · ${notes.join(' · ')}` : ''}`,
    `      records ${shown.join(' ')}${more > 0 ? ` … and ${more} more (--all-records)` : ''}`,
  ];
}
