import { DataSource } from 'typeorm';
import { PreparedStatement } from '#postgres';
import { createTestDatabase, type TestDatabase } from '#test-infra';

/**
 * `PreparedStatement` against a real PostgreSQL: the statement is prepared on the server once per
 * connection, runs on the transaction's own connection inside `dataSource.transaction`, and a
 * failure (of the statement, or of the transaction around it) leaves the connection usable.
 */
describe('PreparedStatement', () => {
  let db: TestDatabase;
  let oneConnection: DataSource;
  let twoConnections: DataSource;

  const insert = new PreparedStatement<{ id: number }>(
    'test.insert-note',
    `insert into notes (id, body) values ($1, $2) returning id`,
  );
  const read = new PreparedStatement<{ body: string }>(
    'test.read-note',
    `select body from notes where id = $1`,
  );

  function dataSource(poolSize: number): DataSource {
    return new DataSource({ type: 'postgres', url: db.url, poolSize, entities: [] });
  }

  beforeAll(async () => {
    db = await createTestDatabase('prepared-statement');
    oneConnection = dataSource(1);
    twoConnections = dataSource(2);
    await Promise.all([oneConnection.initialize(), twoConnections.initialize()]);
    await oneConnection.query(`create table notes (id int primary key, body text not null)`);
  });
  afterAll(async () => {
    await Promise.all([oneConnection?.destroy(), twoConnections?.destroy()]);
    await db?.drop();
  });

  /** The named statements the server holds on the pool's only connection. */
  async function preparedOnServer(): Promise<string[]> {
    const rows = await oneConnection.query<Array<{ name: string }>>(
      `select name from pg_prepared_statements order by name`,
    );
    return rows.map((row) => row.name);
  }

  it('is prepared on the server once and answers with its rows', async () => {
    expect(await insert.rows(oneConnection, [1, 'one'])).toEqual([{ id: 1 }]);
    // A second call on the pool's one connection: also shows the first gave the connection back.
    expect(await insert.rows(oneConnection, [2, 'two'])).toEqual([{ id: 2 }]);
    expect(await read.rows(oneConnection, [2])).toEqual([{ body: 'two' }]);
    expect(await preparedOnServer()).toEqual(['test.insert-note', 'test.read-note']);
  });

  it("runs on the transaction's connection: it sees the transaction's writes, and rolls back with it", async () => {
    const failure = new Error('roll back');
    await expect(
      twoConnections.transaction(async (tx) => {
        await insert.rows(tx, [10, 'uncommitted']);
        // On the pool's other connection this read would not see the uncommitted row.
        expect(await read.rows(tx, [10])).toEqual([{ body: 'uncommitted' }]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await read.rows(twoConnections, [10])).toEqual([]);
  });

  it('fails with the SQLSTATE, and the connection and its statements stay usable', async () => {
    // A duplicate key: node-postgres's error, whose code dependencyOutage and callers read.
    await expect(insert.rows(oneConnection, [1, 'again'])).rejects.toMatchObject({ code: '23505' });
    // A statement prepared inside a transaction that then failed is still there after it.
    await expect(
      oneConnection.transaction(async (tx) => {
        await read.rows(tx, [1]);
        await insert.rows(tx, [1, 'again']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await read.rows(oneConnection, [1])).toEqual([{ body: 'one' }]);
    // One that could not be parsed (no such table yet) is parsed again on its next call.
    const later = new PreparedStatement<{ n: number }>(
      'test.count-later',
      `select count(*)::int as n from later`,
    );
    await expect(later.rows(oneConnection, [])).rejects.toMatchObject({ code: '42P01' });
    await oneConnection.query(`create table later (id int)`);
    expect(await later.rows(oneConnection, [])).toEqual([{ n: 0 }]);
  });
});
