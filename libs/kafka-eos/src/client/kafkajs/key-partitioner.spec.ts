import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import kafkajs, { type PartitionMetadata } from 'kafkajs';
import { keyPartitioner, murmur2 } from './key-partitioner.js';

const { Partitioners } = kafkajs;
const kafkajsMurmur2 = createRequire(import.meta.url)(
  'kafkajs/src/producer/partitioners/default/murmur2.js',
) as (key: Buffer) => number;

function partitions(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
}

describe('murmur2', () => {
  // Utils.murmur2 of kafka-clients 4.3.1 on these UTF-8 keys, printed by jshell.
  it.each([
    ['', 275646681],
    ['x', 2121525046],
    ['21', -973932308],
    ['abc', 479470107],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['acct-€-ü-12345', 1167137844],
    ['8f14e45f-ceea-467f-a0e6-5a1b7c2f3d11', -1536507498],
  ])('of %j is the Java client’s %d', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected);
  });

  it('agrees with kafkajs’s own murmur2 on random keys of every length up to 64 bytes', () => {
    for (let length = 0; length <= 64; length++) {
      for (let i = 0; i < 20; i++) {
        const key = randomBytes(length);
        expect(murmur2(key)).toBe(kafkajsMurmur2(key));
      }
    }
  });
});

describe('keyPartitioner', () => {
  const topic = 'transfers';

  it('sends a keyed record where kafkajs’s default partitioner sends it', () => {
    const ours = keyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const count of [1, 3, 7, 64]) {
      const partitionMetadata = partitions(count);
      for (let i = 0; i < 200; i++) {
        const key = i % 2 === 0 ? randomUUID() : randomBytes(i % 40);
        const args = { topic, partitionMetadata, message: { key, value: 'v' } };
        expect(ours(args)).toBe(theirs(args));
      }
    }
  });

  it('keeps a partition given with the record, and spreads records without a key', () => {
    const partitioner = keyPartitioner();
    const partitionMetadata = partitions(3);
    for (const partition of [0, 1, 2]) {
      const message = { key: 'k', value: 'v', partition };
      expect(partitioner({ topic, partitionMetadata, message })).toBe(partition);
    }
    const unkeyed = new Set(
      Array.from({ length: 6 }, () =>
        partitioner({ topic, partitionMetadata, message: { key: null, value: 'v' } }),
      ),
    );
    expect(unkeyed).toEqual(new Set([0, 1, 2]));
  });
});
