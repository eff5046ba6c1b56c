import { KafkaJS } from '@confluentinc/kafka-javascript';
import { classifyConfluentError } from './confluent-errors.js';

function libraryError(code: number): Error {
  return new KafkaJS.KafkaJSError(`code ${code}`, { code });
}

describe('classifyConfluentError', () => {
  it.each([
    [-144, 'fenced'], // ERR__FENCED
    [25, 'fenced'], // UNKNOWN_MEMBER_ID
    [22, 'fenced'], // ILLEGAL_GENERATION
    [90, 'fenced'], // PRODUCER_FENCED
    [51, 'retriable'], // CONCURRENT_TRANSACTIONS
    [16, 'retriable'], // NOT_COORDINATOR
    [7, 'unknown'], // REQUEST_TIMED_OUT
    [-185, 'unknown'], // ERR__TIMED_OUT
  ])('code %d is %s', (code, expected) => {
    expect(classifyConfluentError(libraryError(code))).toBe(expected);
  });

  it('looks through wrapped causes', () => {
    const wrapped = new Error('commit failed', { cause: libraryError(25) });
    expect(classifyConfluentError(wrapped)).toBe('fenced');
  });

  it('treats errors without a code as an unknown outcome', () => {
    expect(classifyConfluentError(new Error('socket hang up'))).toBe('unknown');
    expect(classifyConfluentError('weird')).toBe('unknown');
  });
});
