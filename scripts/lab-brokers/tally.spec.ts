import { cellOk, mustBeZero, tally } from './tally.js';

describe('tally', () => {
  const sent = ['a', 'b', 'c', 'd'];

  it('counts nothing lost or duplicated when each id was processed once, in any order', () => {
    expect(tally(sent, ['d', 'b', 'a', 'c'])).toMatchObject({
      sent: 4,
      processed: 4,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
    });
  });

  it('counts a missing id as lost and every side effect past the first as duplicated', () => {
    expect(tally(sent, ['a', 'b', 'b', 'b', 'd', 'a'])).toEqual({
      sent: 4,
      processed: 6,
      lost: 1,
      duplicated: 3,
      unexpected: 0,
      lostIds: ['c'],
      duplicatedIds: ['a', 'b'],
    });
  });

  it('does not let a duplicate hide a loss, and counts ids never sent apart', () => {
    const counts = tally(sent, ['a', 'a', 'b', 'c', 'x']);
    expect(counts).toMatchObject({ processed: 5, lost: 1, duplicated: 1, unexpected: 1 });
    expect(counts.lostIds).toEqual(['d']);
  });

  it('counts everything lost when nothing was processed', () => {
    expect(tally(sent, [])).toMatchObject({ lost: 4, duplicated: 0 });
  });
});

describe('mustBeZero and cellOk', () => {
  it('asserts what each mode promises, and only lost for JetStream exactly-once under a crash', () => {
    expect(mustBeZero('RabbitMQ', 'at-most-once', 'consumer-crash')).toEqual([]);
    expect(mustBeZero('RabbitMQ', 'at-least-once', 'lost-response')).toEqual(['lost']);
    expect(mustBeZero('Kafka', 'exactly-once', 'consumer-crash')).toEqual(['lost', 'duplicated']);
    expect(mustBeZero('NATS JetStream', 'exactly-once', 'lost-response')).toEqual([
      'lost',
      'duplicated',
    ]);
    expect(mustBeZero('NATS JetStream', 'exactly-once', 'consumer-crash')).toEqual(['lost']);
  });

  it('fails a cell whose asserted count is not zero, or whose faults did not all apply', () => {
    const clean = tally(['a', 'b'], ['a', 'b']);
    const doubled = tally(['a', 'b'], ['a', 'b', 'b']);
    const both: Array<'lost' | 'duplicated'> = ['lost', 'duplicated'];
    expect(cellOk(clean, both, { planned: 2, applied: 2 })).toBe(true);
    expect(cellOk(doubled, both, { planned: 2, applied: 2 })).toBe(false);
    expect(cellOk(doubled, ['lost'], { planned: 2, applied: 2 })).toBe(true);
    // A zero from a run where the fault never happened proves nothing.
    expect(cellOk(clean, both, { planned: 2, applied: 1 })).toBe(false);
    // Nothing asserted: shown, not judged, even without the fault.
    expect(cellOk(doubled, [], { planned: 2, applied: 0 })).toBe(true);
    expect(cellOk(tally(['a'], ['a', 'z']), [], { planned: 1, applied: 1 })).toBe(false);
  });
});
