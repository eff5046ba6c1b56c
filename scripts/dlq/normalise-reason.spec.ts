import { normaliseReason } from './normalise-reason.js';

describe('normaliseReason', () => {
  it('collapses per-record ids and numbers, so one cause is one group', () => {
    const reasons = [
      'entries for account 3f2504e0-4f89-41d3-9a0c-0305e82c3301 are frozen',
      'entries for account 0A8F3C1E-2B4D-4E6F-8A9B-1C2D3E4F5A6B are frozen',
    ];
    expect(new Set(reasons.map(normaliseReason))).toEqual(
      new Set(['entries for account <uuid> are frozen']),
    );
    expect(normaliseReason('no result for transfers.requested[2:1234]')).toBe(
      'no result for transfers.requested[<n>:<n>]',
    );
    expect(normaliseReason('timed out after 30000 ms at 2026-12-01T19:25:28.123Z')).toBe(
      'timed out after <n> ms at <time>',
    );
    expect(normaliseReason('trace 4bf92f3577b34da6a3ce929d0e0e4736 failed')).toBe(
      'trace <hex> failed',
    );
  });

  it('keeps the words that name the cause', () => {
    expect(normaliseReason('not a TransferRequested v1: amount: must be at most 20 digits')).toBe(
      'not a TransferRequested v1: amount: must be at most <n> digits',
    );
    expect(normaliseReason('value is not JSON')).toBe('value is not JSON');
    expect(normaliseReason('  two\n lines ')).toBe('two lines');
    expect(normaliseReason(undefined)).toBe('(no dlq-reason header)');
  });
});
