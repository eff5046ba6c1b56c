import { waitFor } from '#test-infra';
import { metricValue, readiness } from '../support/service-probes.js';
import { compareDelivery, RelayFixture } from './relay-fixture.js';

const TRANSACTION_TIMEOUT_MS = 3_000;

/**
 * The relay frozen (SIGSTOP, a real child process) inside its Kafka transaction for longer than
 * its transaction timeout: the coordinator aborts the transaction and bumps the producer's
 * epoch, so the relay's commit fails the way a fenced one does. Nobody replaced it, though: it
 * must start a new producer and carry on, not stop as fenced.
 */
describe('outbox relay past its Kafka transaction timeout', () => {
  let fx: RelayFixture;

  beforeEach(async () => {
    fx = await RelayFixture.create('relay-timeout');
  });
  afterEach(async () => {
    await fx?.close();
  });

  it('carries on with a new producer after its coordinator aborted the paused transaction', async () => {
    const { relay, url } = await fx.startServingRelay({
      RELAY_BATCH_SIZE: '10',
      RELAY_TRANSACTION_TIMEOUT_MS: String(TRANSACTION_TIMEOUT_MS),
      EOS_PAUSE_AT: 'relay.before-kafka-commit',
      // Longer than the freeze: this test is about the Kafka timeout, not the lease's.
      RELAY_LEASE_TIMEOUT_MS: '60000',
    });
    await fx.writeEvents(30);
    await waitFor(() => relay.log.includes('crash point relay.before-kafka-commit (#1): SIGSTOP'), {
      description: 'the relay frozen inside its first transaction',
      timeoutMs: 30_000,
    });

    // The open transaction holds every partition it wrote to at its first offset: a
    // read_committed reader gets past it (to readCommitted's own committed sentinels) only once
    // the coordinator has written its abort markers. That is the wait, not a guessed sleep.
    expect(await fx.publishedIds()).toEqual([]);
    // The aborted transaction's messages are in the log all the same.
    expect((await fx.publishedIds({ readUncommitted: true })).length).toBeGreaterThan(0);

    relay.kill('SIGCONT');
    await fx.waitForOutboxEmpty();
    expect(relay.log).toMatch(/coordinator aborted it; starting a new producer/);
    expect(relay.log).not.toMatch(/relay fenced/);
    expect(relay.running).toBe(true);
    expect(await metricValue(url, 'relay_kafka_transactions_total{outcome="timed-out"}')).toBe(1);
    expect(await metricValue(url, 'relay_kafka_transactions_total{outcome="fenced"}')).toBeNaN();
    const ready = await readiness(url);
    expect(ready.status).toBe(200);
    expect(ready.checks.relay).toMatchObject({ status: 'up', state: 'active' });
    await relay.stop();

    const published = await fx.publishedIds();
    expect(compareDelivery(fx.written, published)).toEqual({ duplicates: [], missing: [] });
    expect(published).toHaveLength(30);
  });
});
