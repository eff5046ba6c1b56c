import { waitFor } from '#test-infra';
import { LedgerFixture } from './ledger-fixture.js';

/**
 * A ledger configured for more replicas than its output topics have does not run: it exits
 * with a message that names the topic and the setting, instead of writing results a single
 * broker's disk could lose.
 */
describe('a ledger whose output topics have too few replicas', () => {
  let fx: LedgerFixture;

  beforeAll(async () => {
    fx = await LedgerFixture.create('replication-refusal'); // topics with 1 replica (1 broker)
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('refuses to run, saying why', async () => {
    await fx.startLedger({ TOPIC_REPLICATION_FACTOR: '2' }).catch(() => undefined);
    const ledger = fx.instances.at(-1);
    await waitFor(() => ledger?.process.running === false, {
      description: 'the ledger to exit',
      timeoutMs: 30_000,
    });
    const exit = await ledger?.process.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(ledger?.process.log).toMatch(
      new RegExp(
        `topic (${fx.results}|${fx.deadLetter}) has partitions with 1 replica\\(s\\), fewer than the 2 configured \\(TOPIC_REPLICATION_FACTOR=2\\)`,
      ),
    );
  });
});
