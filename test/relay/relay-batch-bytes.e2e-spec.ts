import { ensureTopics } from '#kafka-eos';
import { compareDelivery, RelayFixture } from './relay-fixture.js';

const MAX_MESSAGE_BYTES = 20_000;

/**
 * A topic that accepts record batches of 20,000 bytes and a relay reading 2,000 rows at a time
 * (about 450 bytes each): one send of a whole batch would be refused (MESSAGE_TOO_LARGE) on
 * every attempt, for ever. The relay's sends are split by the topics' max.message.bytes.
 */
describe('outbox relay batches bounded by bytes', () => {
  let fx: RelayFixture;

  beforeEach(async () => {
    fx = await RelayFixture.create('relay-batch-bytes');
  });
  afterEach(async () => {
    await fx?.close();
  });

  it('publishes every row of a batch larger than the topic accepts in one record batch', async () => {
    await ensureTopics(fx.client, [
      {
        topic: fx.topic,
        numPartitions: 3,
        configEntries: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }],
      },
    ]);
    await fx.writeEvents(600, 100);
    const relay = fx.startRelay({ RELAY_BATCH_SIZE: '2000', RELAY_COMMIT_INTERVAL_MS: '0' });
    await fx.waitForOutboxEmpty();
    // The topic's limit is below what the outbox accepts per record: the relay says so.
    expect(relay.log).toMatch(/accept records of \d+ bytes, less than the 65536/);
    await relay.stop();

    const published = await fx.publishedIds();
    expect(compareDelivery(fx.written, published)).toEqual({ duplicates: [], missing: [] });
    expect(published).toHaveLength(600);
  });
});
