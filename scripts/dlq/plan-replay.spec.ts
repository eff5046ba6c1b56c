import type { DeadLetter } from './dead-letter-record.js';
import { planReplay, selectDeadLetters } from './plan-replay.js';
import { replayIdentity, type ReplayLogEntry } from './replay-log.js';

function letter(offset: number, fields: Partial<DeadLetter> = {}): DeadLetter {
  return {
    topic: 'requested.dlq',
    partition: 0,
    offset: String(offset),
    timestamp: '2026-12-01T00:00:00.000Z',
    key: null,
    value: Buffer.from('{}'),
    headers: {},
    reason: `reason ${offset}`,
    source: { topic: 'requested', partition: 1, offset: String(100 + offset) },
    ...fields,
  };
}

function logged(l: DeadLetter, source = l.source): ReplayLogEntry & { logOffset: string } {
  return {
    deadLetter: { topic: l.topic, partition: l.partition, offset: l.offset },
    source: source ?? { topic: '?', partition: 0, offset: '?' },
    to: { topic: 'requested', partition: 1 },
    replayedAt: '2026-12-02T00:00:00.000Z',
    logOffset: '7',
  };
}

describe('selectDeadLetters', () => {
  const letters = [letter(0, { reason: 'value is not JSON' }), letter(1), letter(2)];

  it('chooses by coordinates, by a reason substring (any case), or all', () => {
    const coordinates = [
      { partition: 0, offset: '2' },
      { partition: 0, offset: '9' },
    ];
    expect(selectDeadLetters(letters, { kind: 'coordinates', coordinates })).toEqual({
      chosen: [letters[2]],
      missing: [{ partition: 0, offset: '9' }],
    });
    expect(selectDeadLetters(letters, { kind: 'reason', reason: 'NOT json' }).chosen).toEqual([
      letters[0],
    ]);
    expect(selectDeadLetters(letters, { kind: 'all' }).chosen).toHaveLength(3);
  });
});

describe('planReplay', () => {
  const sourcePartitions = new Map([['requested', 3]]);
  const options = { includeAnswered: false, sourcePartitions };

  it('replays what the log does not hold and says why it skips the rest', () => {
    const done = letter(0);
    const recreated = letter(1);
    const chosen = [
      done,
      recreated,
      letter(2, { truncatedBytes: 2_000_000 }),
      letter(3, { source: undefined }),
      letter(4, { source: { topic: 'gone', partition: 0, offset: '1' } }),
      letter(5, { source: { topic: 'requested', partition: 3, offset: '1' } }),
      letter(6, { answered: true }),
      letter(7, { answered: false }),
      letter(8),
    ];
    // 0:1 is a dead letter at coordinates an older one had before the topic was created again.
    const older = { topic: 'requested', partition: 1, offset: '5' };
    const log = new Map([
      [replayIdentity(done, done.source), logged(done)],
      [replayIdentity(recreated, older), logged(recreated, older)],
    ]);
    const plan = planReplay(chosen, log, options);
    expect(plan.replay.map((l) => l.offset)).toEqual(['1', '7', '8']);
    expect(plan.skipped.map((s) => [s.letter.offset, s.why])).toEqual([
      ['0', expect.stringMatching(/^already replayed at .* \(replay log offset 7\)$/)],
      [
        '2',
        expect.stringMatching(/truncated .* \(original 2000000 bytes\): it cannot be replayed/),
      ],
      ['3', expect.stringMatching(/source is unknown/)],
      ['4', 'its source topic gone does not exist'],
      ['5', expect.stringMatching(/source partition 3 does not exist/)],
      ['6', expect.stringMatching(/^answered already .* --include-answered/)],
    ]);
    expect(
      planReplay([letter(6, { answered: true })], new Map(), { ...options, includeAnswered: true })
        .replay,
    ).toHaveLength(1);
  });
});
