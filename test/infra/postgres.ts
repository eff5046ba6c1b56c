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

/** Connection URLs of a database's two roles (see `createServiceRoles`). */
export interface ServiceRoles {
  /** Owns the database and its schema: for migrations. */
  migrationUrl: string;
  /** May connect and nothing more until the migrations grant it DML. */
  runtimeUrl: string;
  /** Drops both roles; call after dropping the database. */
  drop(): Promise<void>;
}

/**
 * The roles a deployment gives a service (docker/postgres/init-databases.sh does the same): an
 * owner of `db` for its migrations, and a runtime role that may connect to `db` alone (the
 * database is closed to PUBLIC). Roles are the server's, so their names carry the database's.
 */
export async function createServiceRoles(
  db: TestDatabase,
  serverUrl = process.env.DATABASE_URL,
): Promise<ServiceRoles> {
  if (!serverUrl) throw new Error('DATABASE_URL is not set: run the tests through `npm test`');
  const [owner, runtime] = [`${db.name}_owner`, `${db.name}_app`];
  await withClient(serverUrl, async (c) => {
    await c.query(`create role "${owner}" login`);
    await c.query(`create role "${runtime}" login`);
    await c.query(`alter database "${db.name}" owner to "${owner}"`);
    await c.query(`revoke all on database "${db.name}" from public`);
    await c.query(`grant connect on database "${db.name}" to "${runtime}"`);
  });
  const as = (role: string) => {
    const url = new URL(db.url);
    url.username = role;
    url.password = '';
    return url.toString();
  };
  return {
    migrationUrl: as(owner),
    runtimeUrl: as(runtime),
    drop: () =>
      withClient(serverUrl, async (c) => {
        await c.query(`drop role if exists "${runtime}"`);
        await c.query(`drop role if exists "${owner}"`);
      }),
  };
}
