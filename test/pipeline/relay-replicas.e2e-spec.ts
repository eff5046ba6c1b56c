import { waitFor } from '#test-infra';
import { compareDelivery } from '../support/compare-delivery.js';
import { readiness } from '../support/service-probes.js';
import { PipelineFixture, type ServiceInstance } from './pipeline-fixture.js';

/** The relay state each replica's readiness check reports, in the order given. */
async function relayStates(replicas: ServiceInstance[]): Promise<unknown[]> {
  return Promise.all(replicas.map(async (r) => (await readiness(r.url)).checks.relay?.state));
}

/**
 * Polls the readiness of `replicas` until stopped and keeps every answer that was not a 200
 * (or no answer at all): the standby replicas must stay ready while another one publishes, dies,
 * and is replaced.
 */
function watchReadiness(replicas: ServiceInstance[]): { stop(): Promise<string[]> } {
  const failures: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await Promise.all(
        replicas.map(async (r) => {
          try {
            const { status, checks } = await readiness(r.url);
            if (status !== 200) failures.push(`${r.url}: ${status} ${JSON.stringify(checks)}`);
          } catch (error) {
            failures.push(`${r.url}: ${String(error)}`);
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return failures;
    },
  };
}

/**
 * Three payments replicas (real processes) with the relay embedded, on one database and one set
 * of topics: one holds the relay's lease and publishes, two stand by. The active one is killed
 * with SIGKILL; a standby takes over and publishes what the others accepted meanwhile.
 */
describe('payments replicas with the embedded relay', () => {
  let fx: PipelineFixture;

  beforeAll(async () => {
    fx = await PipelineFixture.create('relay-replicas');
    // No ledger: this is about the requested topic. Settlement off spares the two cores.
    for (let i = 0; i < 3; i++) {
      await fx.startPayments({ SETTLEMENT_ENABLED: 'false', RELAY_LEASE_RETRY_MS: '500' });
    }
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('publishes through exactly one replica, and another takes over within seconds when it is killed', async () => {
    const replicas = [...fx.payments];
    const states = await waitFor(
      async () => {
        const found = await relayStates(replicas);
        const active = found.filter((s) => s === 'active').length;
        return active === 1 && found.filter((s) => s === 'standby').length === 2 && found;
      },
      { description: 'one active relay and two standing by', timeoutMs: 30_000 },
    );
    const active = replicas[states.indexOf('active')];
    if (!active) throw new Error('no active replica');
    const standbys = replicas.filter((r) => r !== active);
    const watcher = watchReadiness(standbys);
    const [debit = '', credit = ''] = await fx.registerAccounts(2);
    const post = (via: ServiceInstance) => fx.postTransfer(debit, credit, 100n, 'EUR', {}, via);

    let notReady: string[];
    try {
      // Accepted through every replica, published by the active one alone.
      for (let i = 0; i < 30; i++) await post(replicas[i % 3] ?? active);
      await waitFor(async () => (await fx.unpublishedRows()) === 0, {
        description: 'the first 30 transfers published',
        timeoutMs: 30_000,
      });

      active.process.kill('SIGKILL');
      const killedAt = Date.now();
      // Accepted while nobody publishes, then by whichever replica takes over.
      for (let i = 0; i < 20; i++) await post(standbys[i % 2] ?? active);
      const successor = await waitFor(
        async () => {
          const found = await relayStates(standbys);
          return found.filter((s) => s === 'active').length === 1 && found;
        },
        { description: 'a standby replica active', timeoutMs: 20_000 },
      );
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs).toBeLessThan(10_000);
      expect([...successor].sort()).toEqual(['active', 'standby']);
      await waitFor(async () => (await fx.unpublishedRows()) === 0, {
        description: 'the transfers accepted after the kill published',
        timeoutMs: 30_000,
      });
    } finally {
      notReady = await watcher.stop();
    }
    expect(notReady).toEqual([]);

    // Every accepted transfer once on the topic, none twice, whatever the kill interrupted.
    const published = await fx.requestedEventIds();
    expect(compareDelivery(fx.posted, published)).toEqual({ duplicates: [], missing: [] });
    expect(published).toHaveLength(50);
  });
});
