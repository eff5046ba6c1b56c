import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** A session the faults' own settings do not apply to. */
async function admin(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'fault-admin' });
  await client.connect();
  await client.query(`set statement_timeout = 0; set default_transaction_read_only = off`);
  return client;
}

/*
 * PostgreSQL faults for the tests and the chaos runner, each on a server of their own (they
 * change server settings and end everyone's sessions).
 */

/**
 * Another client takes every connection the server has left, and every other session is ended,
 * so the services' reconnects meet "too many clients" (53300) for `downMs`. Returns how many
 * connections the hog held.
 */
export async function exhaustConnections(url: string, downMs: number): Promise<number> {
  const control = await admin(url);
  const hog: pg.Client[] = [];
  /** Connects as many as the server takes, in parallel, retrying refusals for `windowMs`. */
  const grab = async (windowMs: number): Promise<void> => {
    const until = Date.now() + windowMs;
    const worker = async (): Promise<void> => {
      while (Date.now() < until) {
        const client = new pg.Client({ connectionString: url, application_name: 'fault-hog' });
        client.on('error', () => undefined);
        try {
          await client.connect();
          hog.push(client);
        } catch {
          await client.end().catch(() => undefined);
          await sleep(5);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  };
  const others = `from pg_stat_activity where pid <> pg_backend_pid()
      and backend_type = 'client backend' and application_name not in ('fault-hog', 'fault-admin')`;
  try {
    await grab(300);
    // End every other session and race its client for the slot it frees, until no other session
    // is left: a client that reconnected first keeps its slot, and there is another round.
    for (let round = 0; round < 20; round++) {
      await control.query(`select pg_terminate_backend(pid) ${others}`);
      await grab(300);
      const { rows } = await control.query<{ n: number }>(`select count(*)::int as n ${others}`);
      if (rows[0]?.n === 0) break;
    }
    await sleep(downMs);
    return hog.length;
  } finally {
    await Promise.all(hog.map((c) => c.end().catch(() => undefined)));
    await control.end();
  }
}

/** The whole server read-only (`default_transaction_read_only`, as after a failover) for `downMs`. */
export async function readOnlyFor(url: string, downMs: number): Promise<void> {
  const control = await admin(url);
  try {
    await control.query(`alter system set default_transaction_read_only = on`);
    await control.query(`select pg_reload_conf()`);
    await sleep(downMs);
  } finally {
    await control.query(`alter system reset default_transaction_read_only`);
    await control.query(`select pg_reload_conf()`);
    await control.end();
  }
}

/**
 * Statements cancelled by a short statement_timeout for `downMs`: `table` of the database at
 * `databaseUrl` is locked meanwhile, so the statements that need it wait and are cancelled
 * (57014).
 */
export async function statementTimeoutFor(
  serverUrl: string,
  databaseUrl: string,
  table: string,
  downMs: number,
): Promise<void> {
  const control = await admin(serverUrl);
  const locker = await admin(databaseUrl);
  try {
    await control.query(`alter system set statement_timeout = '200ms'`);
    await control.query(`select pg_reload_conf()`);
    // A backend applies a reload between statements, and a statement keeps the timeout it
    // started with: taken at once, the lock could catch every worker's statement started just
    // before the reload, wait the whole outage without a timeout and never show 57014 (seen
    // once in a full run). A second lets every busy backend pass a statement boundary first.
    await sleep(1_000);
    await locker.query(`begin; lock table ${table} in share row exclusive mode`);
    await sleep(downMs);
  } finally {
    await locker.query(`rollback`).catch(() => undefined);
    await control.query(`alter system reset statement_timeout`);
    await control.query(`select pg_reload_conf()`);
    await Promise.all([locker.end(), control.end()]);
  }
}
