import { ensureTopics } from '#kafka-eos';
import { waitFor } from '#test-infra';
import type { ServiceInstance } from './pipeline-fixture.js';
import { PipelineFixture } from './pipeline-fixture.js';

/**
 * A service configured for more replicas than a topic it writes to has does not run: it exits 1
 * with a message naming the topic and the setting, instead of writing records a single broker's
 * disk could lose. (The fixture's topics have one replica: the test broker is one node.)
 */
describe('services whose topics have too few replicas', () => {
  let fx: PipelineFixture;

  beforeAll(async () => {
    fx = await PipelineFixture.create('replication-refusal');
    // Settlement's own dead-letter topic, as an older deployment would have left it.
    await ensureTopics(fx.client, [{ topic: `${fx.topics.results}.dlq`, numPartitions: 1 }]);
  });
  afterAll(async () => {
    await fx?.close();
  });

  const refusal = (topics: string[]) =>
    new RegExp(
      `topic (${topics.join('|')}) has partitions with 1 replica\\(s\\), fewer than the 2 configured \\(TOPIC_REPLICATION_FACTOR=2\\)`,
    );

  async function exitOf(instances: ServiceInstance[], start: () => Promise<unknown>) {
    await start().catch(() => undefined); // it may exit before or after it serves HTTP
    const instance = instances.at(-1);
    await waitFor(() => instance?.process.running === false, {
      description: 'the service to exit',
      timeoutMs: 30_000,
    }).catch((error: unknown) => {
      throw new Error(`still running:\n${instance?.process.log.slice(-3_000)}`, { cause: error });
    });
    return { exit: await instance?.process.exited, log: instance?.process.log ?? '' };
  }

  it('the ledger (results and its dead letters)', async () => {
    const { exit, log } = await exitOf(fx.ledgers, () =>
      fx.startLedger({ TOPIC_REPLICATION_FACTOR: '2' }),
    );
    expect(exit).toEqual({ code: 1, signal: null });
    expect(log).toMatch(refusal([fx.topics.results, fx.topics.deadLetter]));
  });

  it('the outbox relay (requests)', async () => {
    const { exit, log } = await exitOf(fx.relays, () =>
      fx.startRelay({ TOPIC_REPLICATION_FACTOR: '2' }),
    );
    expect(exit).toEqual({ code: 1, signal: null });
    expect(log).toMatch(refusal([fx.topics.requested]));
  });

  it('payments with the relay embedded and settlement', async () => {
    const { exit, log } = await exitOf(fx.payments, () =>
      fx.startPayments({ TOPIC_REPLICATION_FACTOR: '2' }),
    );
    expect(exit).toEqual({ code: 1, signal: null });
    expect(log).toMatch(refusal([fx.topics.requested, `${fx.topics.results}.dlq`]));
  });
});
