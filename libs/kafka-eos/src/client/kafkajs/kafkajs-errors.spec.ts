import { classifyKafkajsError } from './kafkajs-errors.js';

function kafkaError(type: string, code: number): Error {
  return Object.assign(new Error(type), { type, code });
}

describe('classifyKafkajsError', () => {
  it.each([
    ['INVALID_PRODUCER_EPOCH', 47, 'fenced'],
    ['TRANSACTION_COORDINATOR_FENCED', 52, 'fenced'],
    ['UNKNOWN', 90, 'fenced'],
    ['CONCURRENT_TRANSACTIONS', 51, 'retriable'],
    ['NOT_COORDINATOR', 16, 'retriable'],
    ['REQUEST_TIMED_OUT', 7, 'unknown'],
  ])('%s (%d) is %s', (type, code, expected) => {
    expect(classifyKafkajsError(kafkaError(type, code))).toBe(expected);
  });

  it('looks through wrapped causes', () => {
    const wrapped = new Error('commit failed', { cause: kafkaError('INVALID_PRODUCER_EPOCH', 47) });
    expect(classifyKafkajsError(wrapped)).toBe('fenced');
  });

  it('treats non-Kafka errors as unknown outcome', () => {
    expect(classifyKafkajsError(new Error('socket hang up'))).toBe('unknown');
    expect(classifyKafkajsError('weird')).toBe('unknown');
  });
});
