import { compareDelivery, RelayFixture } from './relay-fixture.js';

/**
 * The relay killed with SIGKILL (a real child process) at the two instants that matter, then
 * restarted: a read_committed reader of the topic must see every event exactly once.
 */
describe('outbox relay under SIGKILL', () => {
  let fx: RelayFixture;

  beforeEach(async () => {
    fx = await RelayFixture.create('relay-crash');
  });
  afterEach(async () => {
    await fx?.close();
  });

  it('resumes without duplicates when killed between the Kafka commit and the database delete', async () => {
    await fx.writeEvents(100);
    // One batch per transaction, so the third commit is the third batch of 10.
    const crashed = fx.startRelay({
      RELAY_BATCH_SIZE: '10',
      RELAY_COMMIT_INTERVAL_MS: '0',
      EOS_CRASH_AT: 'relay.after-kafka-commit:3',
    });
    expect((await crashed.exited).signal).toBe('SIGKILL');
    // Three batches are in Kafka, but only two were deleted: the crash hit the window.
    expect(await fx.outboxCount()).toBe(80);

    const relay = fx.startRelay({ RELAY_BATCH_SIZE: '10' });
    await fx.waitForOutboxEmpty();
    await relay.stop();

    expect(compareDelivery(fx.written, await fx.publishedIds())).toEqual({
      duplicates: [],
      missing: [],
    });
    expect(await fx.publishedIds()).toHaveLength(100);
  });

  it.each([
    ['the third of one-batch transactions', '0', 'relay.before-kafka-commit:3', 80, 10],
    // A commit interval far longer than the run: all ten batches of 10 go into one transaction.
    ['a transaction of ten batches', '10000', 'relay.before-kafka-commit:1', 100, 100],
  ])(
    'resumes without loss or duplicates when killed inside an open Kafka transaction (%s)',
    async (_case, commitIntervalMs, crashAt, leftInOutbox, aborted) => {
      await fx.writeEvents(100);
      const crashed = fx.startRelay({
        RELAY_BATCH_SIZE: '10',
        RELAY_COMMIT_INTERVAL_MS: commitIntervalMs,
        EOS_CRASH_AT: crashAt,
      });
      expect((await crashed.exited).signal).toBe('SIGKILL');
      expect(await fx.outboxCount()).toBe(leftInOutbox);

      const relay = fx.startRelay({ RELAY_BATCH_SIZE: '10' });
      await fx.waitForOutboxEmpty();
      await relay.stop();

      const committed = await fx.publishedIds();
      expect(compareDelivery(fx.written, committed)).toEqual({ duplicates: [], missing: [] });
      expect(committed).toHaveLength(100);
      // The killed transaction's messages did reach the log; only read_committed hides them.
      const everything = await fx.publishedIds({ readUncommitted: true });
      expect(everything.length).toBeGreaterThanOrEqual(100 + aborted);
    },
  );

  it('publishes each event once across repeated kills at random instants', async () => {
    const kills = 6;
    for (let round = 0; round < kills; round++) {
      await fx.writeEvents(50, 5);
      const relay = fx.startRelay({ RELAY_BATCH_SIZE: '7' });
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1_200));
      relay.kill('SIGKILL');
      await relay.exited;
    }
    const relay = fx.startRelay();
    await fx.waitForOutboxEmpty();
    await relay.stop();

    const published = await fx.publishedIds();
    expect(compareDelivery(fx.written, published)).toEqual({ duplicates: [], missing: [] });
    expect(published).toHaveLength(kills * 50);
  });
});
