import pg from 'pg';
import { createTestDatabase, waitFor } from '#test-infra';
import { metricValue, readiness } from '../support/service-probes.js';
import { compareDelivery, RelayFixture } from './relay-fixture.js';

/**
 * A transaction left open on another database of the same PostgreSQL cluster holds the xmin
 * horizon back, so the relay (a real process) cannot read rows committed after it began. The
 * relay must say which transaction that is, and publish once it ends. The cluster is shared by
 * every test file: the open transaction is kept for seconds and always ended in `finally`.
 */
describe('outbox relay held back by a forgotten transaction', () => {
  let fx: RelayFixture;

  beforeEach(async () => {
    fx = await RelayFixture.create('relay-stall');
  });
  afterEach(async () => {
    await fx?.close();
  });

  it('names the backend holding it back, and publishes once its transaction ends', async () => {
    const { relay, url } = await fx.startServingRelay({ RELAY_STALL_THRESHOLD_MS: '1000' });
    const other = await createTestDatabase('relay-stall-other');
    const forgotten = new pg.Client({
      connectionString: other.url,
      application_name: 'forgotten-transaction',
    });
    // A younger open transaction too: the relay must name the oldest, not any.
    const younger = new pg.Client({ connectionString: fx.db.url });
    await Promise.all([forgotten.connect(), younger.connect()]);
    try {
      await forgotten.query('begin');
      const { rows } = await forgotten.query<{ pid: number }>(
        'select pg_backend_pid() as pid, pg_current_xact_id()',
      );
      const pid = rows[0]?.pid ?? -1;
      await younger.query('begin');
      await younger.query('select pg_current_xact_id()');
      await fx.writeEvents(20);

      await waitFor(async () => (await metricValue(url, 'relay_horizon_holder_pid')) === pid, {
        description: `relay_horizon_holder_pid ${pid}`,
        timeoutMs: 20_000,
      });
      expect(await fx.outboxCount()).toBe(20);
      expect(await metricValue(url, 'relay_stalled_seconds')).toBeGreaterThanOrEqual(1);
      expect(relay.log).toContain(
        `the oldest running transaction is pid ${pid} on database ${other.name}`,
      );
      const ready = await readiness(url);
      expect(ready.status).toBe(200);
      expect(ready.checks.relay).toMatchObject({
        status: 'up',
        state: 'active',
        stall: {
          rows: 20,
          holder: {
            pid,
            database: other.name,
            applicationName: 'forgotten-transaction',
            state: 'idle in transaction',
            query: 'select pg_backend_pid() as pid, pg_current_xact_id()',
          },
        },
      });
    } finally {
      await forgotten.query('rollback').catch(() => undefined);
      await younger.query('rollback').catch(() => undefined);
      await Promise.all([forgotten.end(), younger.end()]);
      await other.drop();
    }

    await fx.waitForOutboxEmpty();
    await waitFor(async () => (await metricValue(url, 'relay_horizon_holder_pid')) === 0, {
      description: 'the stall cleared',
      timeoutMs: 10_000,
    });
    expect((await readiness(url)).checks.relay).not.toHaveProperty('stall');
    expect(relay.log).toContain('relay no longer held back');
    await relay.stop();
    const published = await fx.publishedIds();
    expect(compareDelivery(fx.written, published)).toEqual({ duplicates: [], missing: [] });
    expect(published).toHaveLength(20);
  });
});
