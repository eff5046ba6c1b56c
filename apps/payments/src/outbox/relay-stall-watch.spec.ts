import { jest } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { PaymentsMetrics } from '../metrics/payments-metrics.js';
import { RelayStallWatch } from './relay-stall-watch.js';
import { START_POSITION } from './relay-position.js';

const HOLDER = {
  pid: 4242,
  database: 'reports',
  user: 'analyst',
  applicationName: 'psql',
  state: 'idle in transaction',
  xactStart: new Date('2026-01-01T00:00:00Z'),
  query: 'select pg_current_xact_id()',
  preparedGid: null,
};

/** A database whose outbox has `waiting` rows, the oldest `ageMs` old, behind HOLDER. */
function database(waiting: { count: number; oldestAgeMs: number }): DataSource {
  const query = async (sql: string): Promise<unknown[]> =>
    sql.includes('pg_stat_activity') ? [{ horizon: '1000', ...HOLDER }] : [waiting];
  return { query } as unknown as DataSource;
}

const metrics = new PaymentsMetrics();

function logger() {
  return { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

describe('RelayStallWatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('names the holder once rows waited past the threshold, and not on every poll', async () => {
    const log = logger();
    const watch = new RelayStallWatch(
      database({ count: 3, oldestAgeMs: 12_000 }),
      10_000,
      log,
      metrics,
    );
    await watch.readNothing(START_POSITION);
    expect(watch.current).toMatchObject({
      rows: 3,
      waitingSeconds: 12,
      holder: { pid: 4242, xactStart: '2026-01-01T00:00:00.000Z' },
    });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]?.[0]).toMatch(/pid 4242 on database reports, user analyst/);

    // Polls within a quarter of the threshold do not even query; later ones do, but the same
    // holder is named again only after 30 s.
    for (let i = 0; i < 20; i++) {
      jest.advanceTimersByTime(1_000);
      await watch.readNothing(START_POSITION);
    }
    expect(log.warn).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10_000);
    await watch.readNothing(START_POSITION);
    expect(log.warn).toHaveBeenCalledTimes(2);

    watch.readRows();
    expect(watch.current).toBeUndefined();
    expect(log.log).toHaveBeenCalledWith(expect.stringMatching(/no longer held back/));
  });

  it('says nothing while the waiting rows are younger than the threshold', async () => {
    const log = logger();
    const watch = new RelayStallWatch(
      database({ count: 3, oldestAgeMs: 900 }),
      10_000,
      log,
      metrics,
    );
    await watch.readNothing(START_POSITION);
    expect(watch.current).toBeUndefined();
    expect(log.warn).not.toHaveBeenCalled();
  });
});
