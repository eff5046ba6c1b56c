import { Kafka, logLevel, type Consumer } from 'kafkajs';
import pg from 'pg';
import {
  createTestDatabase,
  pinnedVersions,
  uniqueName,
  waitFor,
  type TestDatabase,
} from '#test-infra';

/**
 * Proves the test infrastructure is real: a PostgreSQL transaction commits, and a Kafka broker
 * keeps an aborted transaction away from read_committed consumers only.
 */
describe('test infrastructure', () => {
  const kafka = new Kafka({
    clientId: 'infra-e2e',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    // Retried errors (e.g. CONCURRENT_TRANSACTIONS right after a commit) are logged at ERROR
    // by kafkajs; what matters to the test is what finally fails, and that is thrown.
    logLevel: logLevel.NOTHING,
  });
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('infra');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('runs the pinned Kafka version', () => {
    expect(process.env.EOS_KAFKA_BROKER_VERSION).toBe(pinnedVersions().kafka);
  });

  it('commits one PostgreSQL transaction and rolls back another', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('create table notes (id int primary key, body text not null)');
      await client.query('begin');
      await client.query(`insert into notes values (1, 'kept')`);
      await client.query('commit');
      await client.query('begin');
      await client.query(`insert into notes values (2, 'rolled back')`);
      await client.query('rollback');
      const { rows } = await client.query<{ body: string }>('select body from notes order by id');
      expect(rows.map((r) => r.body)).toEqual(['kept']);
    } finally {
      await client.end();
    }
  });

  it('hides an aborted Kafka transaction from read_committed consumers only', async () => {
    const topic = uniqueName('infra');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = kafka.producer({
      transactionalId: uniqueName('infra-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    for (const [value, outcome] of [
      ['committed', 'commit'],
      ['aborted', 'abort'],
      ['last', 'commit'],
    ] as const) {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: [{ value }] });
      await (outcome === 'commit' ? tx.commit() : tx.abort());
    }
    await producer.disconnect();

    // Each consumer reads until it has seen the last committed record, so no timing guess is needed.
    expect(await readAll(topic, { readUncommitted: false })).toEqual(['committed', 'last']);
    expect(await readAll(topic, { readUncommitted: true })).toEqual([
      'committed',
      'aborted',
      'last',
    ]);
  });

  async function readAll(
    topic: string,
    { readUncommitted }: { readUncommitted: boolean },
  ): Promise<string[]> {
    const consumer: Consumer = kafka.consumer({
      groupId: uniqueName('infra-reader'),
      readUncommitted,
    });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value?.toString() ?? '');
        },
      });
      await waitFor(() => seen.includes('last'), {
        description: `the last record of ${topic}`,
        timeoutMs: 60_000,
      });
      return seen;
    } finally {
      await consumer.disconnect();
    }
  }
});
