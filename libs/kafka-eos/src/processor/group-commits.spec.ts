import type {
  KafkaClient,
  KafkaConsumer,
  KafkaTransaction,
  PartitionOffset,
} from '../client/kafka-client.js';
import { CommitFailedError } from './commit-strategy.js';
import { GroupCommits } from './transactional-commits.js';

/**
 * GroupCommits' own logic, on a stand-in for the client port: which batches share a transaction,
 * and what a failed one does. That the broker fences by group generation is shown against real
 * Kafka (test/kafka/confluent-kip447, test/ledger/ledger-faults under KAFKA_CLIENT=confluent).
 */
interface Recorded {
  offsets: PartitionOffset[];
  consumers: Array<KafkaConsumer | undefined>;
  outcome?: 'committed' | 'aborted';
}

function fakeClient(commit: (tx: Recorded) => Promise<void>) {
  const transactions: Recorded[] = [];
  const producerIds: string[] = [];
  const client = {
    library: 'confluent',
    groupFencing: true,
    transactionalProducer: ({ transactionalId }: { transactionalId: string }) => {
      producerIds.push(transactionalId);
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        begin: async (): Promise<KafkaTransaction> => {
          const tx: Recorded = { offsets: [], consumers: [] };
          transactions.push(tx);
          return {
            send: async () => undefined,
            sendOffsets: async (_group, _topic, offsets, consumer) => {
              tx.offsets.push(...offsets);
              tx.consumers.push(consumer);
            },
            commit: async () => {
              await commit(tx);
              tx.outcome = 'committed';
            },
            abort: async () => {
              tx.outcome = 'aborted';
            },
            isActive: () => tx.outcome === undefined,
          };
        },
      };
    },
    classifyTransactionError: (error: unknown) =>
      (error as { fenced?: boolean }).fenced ? 'fenced' : 'unknown',
  } as unknown as KafkaClient;
  return { client, transactions, producerIds };
}

const member = { name: 'the consumer' } as unknown as KafkaConsumer;

function commits(client: KafkaClient): GroupCommits {
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
  return new GroupCommits(
    {
      kafka: client,
      groupId: 'group',
      topic: 'in',
      transactionalIdPrefix: 'ledger',
      maxBatchBytes: () => 1_000_000,
      commitOffsets: async () => undefined,
      logger: quiet,
    },
    () => member,
  );
}

describe('GroupCommits', () => {
  it('puts the batches that come while a transaction runs into the next one, together', async () => {
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const { client, transactions, producerIds } = fakeClient((tx) =>
      tx === transactions[0] ? firstHeld : Promise.resolve(),
    );
    const strategy = commits(client);
    await strategy.connect();
    const [p0, p1, p2] = await Promise.all([0, 1, 2].map((p) => strategy.claim(p)));
    const first = p0!.commit(10n);
    await new Promise((resolve) => setImmediate(resolve)); // the first transaction is committing
    const later = [p1!.commit(20n), p2!.commit(30n)];
    release();
    await Promise.all([first, ...later]);

    expect(transactions.map((t) => t.offsets.map((o) => [o.partition, o.offset]))).toEqual([
      [[0, '10']],
      [
        [1, '20'],
        [2, '30'],
      ],
    ]);
    expect(transactions.every((t) => t.outcome === 'committed')).toBe(true);
    // Each batch's offsets go with the group metadata of the consumer that read it.
    expect(transactions.flatMap((t) => t.consumers)).toEqual([member, member, member]);
    expect(producerIds).toHaveLength(1);
    expect(producerIds[0]).toMatch(/^ledger\.in\.[0-9a-f-]{36}$/);
  });

  it('fails every batch of a failed transaction, and starts a new producer with the same id', async () => {
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const { client, transactions, producerIds } = fakeClient(async (tx) => {
      if (tx === transactions[0]) return firstHeld;
      if (tx === transactions[1])
        throw Object.assign(new Error('member replaced'), { fenced: true });
    });
    const strategy = commits(client);
    await strategy.connect();
    const [p0, p1, p2] = await Promise.all([0, 1, 2].map((p) => strategy.claim(p)));
    const first = p0!.commit(5n);
    await new Promise((resolve) => setImmediate(resolve));
    const together = Promise.allSettled([p1!.commit(6n), p2!.commit(7n)]);
    release();
    await first;
    for (const outcome of await together) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as CommitFailedError;
      expect(reason).toBeInstanceOf(CommitFailedError);
      expect(reason.rewind).toBe(false); // fenced: another member owns the partition now
    }
    expect(transactions[1]?.offsets.map((o) => o.partition)).toEqual([1, 2]);

    await p1!.commit(6n);
    expect(transactions.map((t) => t.outcome)).toEqual(['committed', undefined, 'committed']);
    expect(producerIds).toHaveLength(2);
    expect(producerIds[1]).toBe(producerIds[0]);
  });
});
