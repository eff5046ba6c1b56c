import { classifyKafkajsError as classify } from './client/kafkajs/kafkajs-errors.js';
import { retryRetriable } from './retry-retriable.js';

const kafkaError = (type: string) => Object.assign(new Error(type), { type });

describe('retryRetriable', () => {
  it('retries CONCURRENT_TRANSACTIONS until the step succeeds', async () => {
    let calls = 0;
    const result = await retryRetriable(async () => {
      calls += 1;
      if (calls < 3) throw kafkaError('CONCURRENT_TRANSACTIONS');
      return 'done';
    }, classify);
    expect([result, calls]).toEqual(['done', 3]);
  });

  it('gives up after the given number of attempts', async () => {
    let calls = 0;
    const failing = retryRetriable(
      async () => {
        calls += 1;
        throw kafkaError('NOT_COORDINATOR');
      },
      classify,
      3,
    );
    await expect(failing).rejects.toThrow('NOT_COORDINATOR');
    expect(calls).toBe(3);
  });

  it('does not retry a fenced producer or an unknown error', async () => {
    for (const type of ['INVALID_PRODUCER_EPOCH', 'REQUEST_TIMED_OUT']) {
      let calls = 0;
      await expect(
        retryRetriable(async () => {
          calls += 1;
          throw kafkaError(type);
        }, classify),
      ).rejects.toThrow(type);
      expect(calls).toBe(1);
    }
  });
});
