import { tallyCell } from './tally.js';

describe('tallyCell', () => {
  const sent = [0, 1, 2, 3, 4, 5, 6, 7];

  it('counts nothing wrong when every id is in the topic once, in order', () => {
    expect(tallyCell(sent, new Set(sent), sent)).toEqual({
      sent: 8,
      acknowledged: 8,
      written: 8,
      lost: 0,
      unacknowledgedMissing: 0,
      duplicated: 0,
      outOfOrder: 0,
      unknown: 0,
    });
  });

  it('tells an acknowledged id that is missing (lost) from one the producer never heard about', () => {
    const acked = new Set([0, 1, 2, 3, 4, 5]);
    const tally = tallyCell(sent, acked, [0, 1, 2, 4, 5]);
    expect(tally).toMatchObject({ acknowledged: 6, written: 5, lost: 1, unacknowledgedMissing: 2 });
  });

  it('counts extra copies as duplicates and a lower id after a higher one of its key as out of order', () => {
    // Keys are id % 4. 2 comes after 6 (both k2): out of order. The second 1 and 3 are copies.
    const tally = tallyCell(sent, new Set(sent), [0, 1, 3, 6, 2, 4, 5, 1, 7, 3]);
    expect(tally).toMatchObject({ written: 8, duplicated: 2, outOfOrder: 1, lost: 0 });
  });

  it('counts ids the workload never sent separately', () => {
    expect(tallyCell(sent, new Set(sent), [...sent, 99]).unknown).toBe(1);
  });
});
