import { recordBytes } from './batch-bytes.js';
import { DeadLetterHeaders, toDeadLetter } from './dead-letter.js';
import type { InputRecord } from './records.js';

const record = (value: Buffer, headers: Record<string, string> = {}): InputRecord => ({
  topic: 'requests',
  partition: 2,
  offset: '41',
  key: 'k',
  value,
  headers: { 'event-id': 'e-1', ...headers },
  timestamp: '0',
});
const failure = { error: new Error('not JSON'), attempts: 1, poison: true, answered: true };

describe('toDeadLetter', () => {
  it('keeps the record as it was, with where it came from and why it failed', () => {
    const dead = toDeadLetter(record(Buffer.from('{')), 'dlq', failure, 10_000);
    expect(dead).toMatchObject({ topic: 'dlq', key: 'k', value: Buffer.from('{') });
    expect(dead.headers).toMatchObject({
      'event-id': 'e-1',
      [DeadLetterHeaders.reason]: 'not JSON',
      [DeadLetterHeaders.sourceTopic]: 'requests',
      [DeadLetterHeaders.sourcePartition]: '2',
      [DeadLetterHeaders.sourceOffset]: '41',
      [DeadLetterHeaders.attempts]: '1',
      [DeadLetterHeaders.answered]: 'true',
    });
    expect(dead.headers?.[DeadLetterHeaders.valueTruncated]).toBeUndefined();
  });

  it('cuts a value that would not fit the dead-letter topic, and says how long it was', () => {
    const dead = toDeadLetter(record(Buffer.alloc(20_000, 1)), 'dlq', failure, 10_000);
    expect(recordBytes(dead)).toBeLessThanOrEqual(10_000);
    expect(dead.headers?.[DeadLetterHeaders.valueTruncated]).toBe('20000');
    expect((dead.value as Buffer).length).toBeGreaterThan(9_000);
  });

  it('drops oversized original headers when even an empty value would not fit', () => {
    const dead = toDeadLetter(
      record(Buffer.from('x'), { big: 'h'.repeat(20_000) }),
      'dlq',
      failure,
      10_000,
    );
    expect(recordBytes(dead)).toBeLessThanOrEqual(10_000);
    expect(dead.headers?.big).toBeUndefined();
    expect(dead.headers?.[DeadLetterHeaders.sourceOffset]).toBe('41');
  });
});
