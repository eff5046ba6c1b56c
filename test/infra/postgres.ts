import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The machine's own PostgreSQL, used in local mode (trust auth on 127.0.0.1:5432 here). */
export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** What the local PostgreSQL lacks; empty when it answers a query. */
export async function localPostgresMissing(url = LOCAL_POSTGRES_URL): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return [];
  } catch (error) {
    return [`a PostgreSQL server at ${redact(url)} (${(error as Error).message})`];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Refuses any database whose name lacks "test", so a test can never drop real data. */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.slice(1);
  if (!/test/i.test(name)) {
    throw new Error(`refusing to use database "${name}" in a test: its name must contain "test"`);
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the run's PostgreSQL server (DATABASE_URL, set by the global setup)
 * or on `serverUrl`, named after the test file. Call `drop()` in afterAll.
 */
export async function createTestDatabase(
  label: string,
  serverUrl = process.env.DATABASE_URL,
): Promise<TestDatabase> {
  if (!serverUrl) throw new Error('DATABASE_URL is not set: run the tests through `npm test`');
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const name = `${slug}_test_${randomBytes(4).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  assertTestDatabase(url.toString());
  await withClient(serverUrl, (c) => c.query(`create database "${name}"`));
  return {
    url: url.toString(),
    name,
    drop: () =>
      withClient(serverUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(
        () => undefined,
      ),
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
