import type { TopicMessages } from './client/kafka-client.js';
import { recordBytes, splitByBytes } from './batch-bytes.js';

const message = (bytes: number, key = 'k') => ({ key, value: 'x'.repeat(bytes) });

describe('splitByBytes', () => {
  it('keeps a batch under the limit in one send', () => {
    const batch: TopicMessages[] = [{ topic: 'a', messages: [message(100), message(100)] }];
    expect(splitByBytes(batch, 10_000)).toEqual([batch]);
  });

  it('splits a batch so that no send exceeds the limit, keeping the order of records', () => {
    const messages = Array.from({ length: 50 }, (_, i) => message(1_000, `k${i}`));
    const sends = splitByBytes(
      [
        { topic: 'a', messages: messages.slice(0, 30) },
        { topic: 'b', messages: messages.slice(30) },
      ],
      5_000,
    );
    for (const send of sends) {
      const bytes = send.flatMap((t) => t.messages).reduce((n, m) => n + recordBytes(m), 61);
      expect(bytes).toBeLessThanOrEqual(5_000);
    }
    expect(sends.flat().flatMap((t) => t.messages.map((m) => m.key))).toEqual(
      messages.map((m) => m.key),
    );
    expect(sends.length).toBeGreaterThan(10);
  });

  it('sends a record larger than the limit alone', () => {
    const sends = splitByBytes(
      [{ topic: 'a', messages: [message(10), message(50_000), message(10)] }],
      1_000,
    );
    expect(sends.map((s) => s[0]?.messages.length)).toEqual([1, 1, 1]);
  });

  it('counts headers and multi-byte characters', () => {
    expect(recordBytes({ key: 'é', value: 'ü', headers: { h: 'ß' } })).toBeGreaterThan(
      recordBytes({ key: 'e', value: 'u', headers: { h: 's' } }),
    );
  });
});
