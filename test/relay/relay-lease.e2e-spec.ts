import pg from 'pg';
import { waitFor } from '#test-infra';
import { metricValue, readiness } from '../support/service-probes.js';
import { compareDelivery, RelayFixture } from './relay-fixture.js';

/** The relay's state as its readiness check reports it. */
async function relayState(url: string): Promise<unknown> {
  return (await readiness(url)).checks.relay?.state;
}

/**
 * Standalone relays (real processes) sharing one outbox and one transactional id: only the
 * holder of the lease (a PostgreSQL advisory lock on a session of its own) publishes.
 */
describe('outbox relay lease', () => {
  let fx: RelayFixture;

  beforeEach(async () => {
    fx = await RelayFixture.create('relay-lease');
  });
  afterEach(async () => {
    await fx?.close();
  });

  it('stands a second relay by, which takes over from a frozen holder; the holder, resumed, stands by', async () => {
    const env = { RELAY_LEASE_TIMEOUT_MS: '3000', RELAY_LEASE_RETRY_MS: '200' };
    const first = await fx.startServingRelay(env);
    const second = await fx.startServingRelay(env, { standby: true });
    const standby = await readiness(second.url);
    expect(standby.status).toBe(200);
    expect(standby.checks.relay).toMatchObject({ status: 'up', state: 'standby' });
    expect(await metricValue(second.url, 'relay_state{state="standby"}')).toBe(1);
    expect(await metricValue(first.url, 'relay_state{state="active"}')).toBe(1);
    await fx.writeEvents(20);
    await fx.waitForOutboxEmpty();

    // Frozen, its kernel still answers TCP: only the lease session's idle timeout ends it.
    first.relay.kill('SIGSTOP');
    const frozenAt = Date.now();
    await fx.writeEvents(20);
    await waitFor(async () => (await relayState(second.url)) === 'active', {
      description: 'the standby relay active',
      timeoutMs: 20_000,
    });
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(2_000);
    await fx.waitForOutboxEmpty();

    first.relay.kill('SIGCONT');
    await waitFor(async () => (await relayState(first.url)) === 'standby', {
      description: 'the resumed relay standing by',
      timeoutMs: 20_000,
    });
    expect(first.relay.log).toContain('relay lost its lease');
    expect(first.relay.log).not.toContain('relay fenced');
    await fx.writeEvents(20);
    await fx.waitForOutboxEmpty();
    expect(await relayState(second.url)).toBe('active');
    await Promise.all([first.relay.stop(), second.relay.stop()]);

    const published = await fx.publishedIds();
    expect(compareDelivery(fx.written, published)).toEqual({ duplicates: [], missing: [] });
    expect(published).toHaveLength(60);
  });

  it('stops publishing when its lease connection is killed, and takes the lease again', async () => {
    const { relay, url } = await fx.startServingRelay({ RELAY_LEASE_RETRY_MS: '200' });
    await fx.writeEvents(20);
    await fx.waitForOutboxEmpty();

    const admin = new pg.Client({ connectionString: fx.db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ terminated: boolean }>(
        `select pg_terminate_backend(pid) as terminated from pg_stat_activity
          where datname = current_database() and application_name = 'payments-relay-lease'`,
      );
      expect(rows).toEqual([{ terminated: true }]);
    } finally {
      await admin.end();
    }
    await waitFor(() => relay.log.split('relay active').length === 3, {
      description: 'the relay active a second time',
      timeoutMs: 20_000,
    });
    expect(relay.log).toContain('relay lost its lease');
    await fx.writeEvents(20);
    await fx.waitForOutboxEmpty();
    expect(await relayState(url)).toBe('active');
    await relay.stop();

    const published = await fx.publishedIds();
    expect(compareDelivery(fx.written, published)).toEqual({ duplicates: [], missing: [] });
    expect(published).toHaveLength(40);
  });
});
