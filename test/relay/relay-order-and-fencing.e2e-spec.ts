import pg from 'pg';
import { TransactionalProducer } from '#kafka-eos';
import { waitFor } from '#test-infra';
import { ACCOUNTS, compareDelivery, RelayFixture, RESUMED } from './relay-fixture.js';

describe('outbox relay ordering and fencing', () => {
  let fx: RelayFixture;

  beforeEach(async () => {
    fx = await RelayFixture.create('relay-order');
  });
  afterEach(async () => {
    await fx?.close();
  });

  it('publishes rows from transactions that commit in the reverse order of their ids, in commit order', async () => {
    const relay = fx.startRelay();
    await waitFor(() => relay.log.includes(RESUMED), {
      description: 'relay start',
      timeoutMs: 30_000,
    });
    const first = new pg.Client({ connectionString: fx.db.url });
    const second = new pg.Client({ connectionString: fx.db.url });
    await first.connect();
    await second.connect();
    try {
      const account = ACCOUNTS[0] ?? '';
      const firstEvent = fx.event(account);
      const secondEvent = fx.event(account);
      // `first` takes its transaction id before `second`, but `second` inserts first, so its
      // row gets the smaller id; then `first` commits first.
      await first.query('begin');
      await first.query('select pg_current_xact_id()');
      await second.query('begin');
      const secondId = await insert(second, secondEvent);
      const firstId = await insert(first, firstEvent);
      expect(BigInt(secondId)).toBeLessThan(BigInt(firstId));
      await first.query('commit');

      // A relay that tracked "highest id published" would now move past secondId and never
      // publish it. This one publishes the committed row now, and the other after its commit.
      await waitFor(async () => (await fx.publishedIds()).includes(firstEvent.eventId), {
        description: 'the first committed row on the topic',
        timeoutMs: 60_000,
      });
      await second.query('commit');
      await fx.waitForOutboxEmpty();
      await relay.stop();
      expect(await fx.publishedIds()).toEqual([firstEvent.eventId, secondEvent.eventId]);
    } finally {
      await first.end();
      await second.end();
    }
  });

  it('stops as fenced when another producer takes its transactional id while it holds the lease', async () => {
    const relay = fx.startRelay();
    await waitFor(() => relay.log.includes(RESUMED), {
      description: 'relay start',
      timeoutMs: 30_000,
    });
    await fx.writeEvents(40);
    await fx.waitForOutboxEmpty();

    // A relay of another deployment (another database, so another lease) configured with the
    // same transactional id: its producer start fences this one's.
    const intruder = await TransactionalProducer.start(fx.client, fx.transactionalId);
    try {
      await fx.writeEvents(40);
      const exit = await relay.exited;
      expect(exit.code).toBe(1);
      expect(relay.log).toContain('relay fenced');
    } finally {
      await intruder.close();
    }

    const next = fx.startRelay();
    await fx.waitForOutboxEmpty();
    await next.stop();
    const published = await fx.publishedIds();
    expect(compareDelivery(fx.written, published)).toEqual({ duplicates: [], missing: [] });
    expect(published).toHaveLength(80);
  });
});

async function insert(
  client: pg.Client,
  event: ReturnType<RelayFixture['event']>,
): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `insert into outbox (event_id, topic, key, payload, headers) values ($1, $2, $3, $4, $5) returning id::text`,
    [
      event.eventId,
      event.topic,
      event.key,
      JSON.stringify(event.payload),
      JSON.stringify(event.headers),
    ],
  );
  return rows[0]?.id ?? '';
}
