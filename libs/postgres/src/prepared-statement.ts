import type { ClientBase } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * A statement PostgreSQL parses and plans once per connection instead of on every call.
 *
 * TypeORM sends each query unnamed, so the server parses, analyses and plans it again each time:
 * for the short statements on the money path that was about a third of PostgreSQL's CPU. A named
 * statement is prepared the first time a pooled connection runs it (node-postgres remembers the
 * names per connection) and only bound and executed after that.
 *
 * Behind a pooler in transaction mode (PgBouncer before 1.21, or with max_prepared_statements
 * at 0) a named statement may meet a server connection that never prepared it: run such a
 * deployment with session pooling, or with PgBouncer's prepared-statement support on.
 *
 * Errors are node-postgres's own (`code` is the SQLSTATE), not TypeORM's QueryFailedError;
 * `dependencyOutage` reads both.
 */
export class PreparedStatement<Row> {
  constructor(
    /** Unique per statement text in the process: node-postgres refuses one name for two texts. */
    readonly name: string,
    readonly text: string,
  ) {}

  /**
   * Runs the statement: on a pooled connection of its own for a DataSource (autocommit), or on
   * the transaction's connection for the EntityManager of `dataSource.transaction(...)`.
   */
  async rows(db: DataSource | EntityManager, values: readonly unknown[]): Promise<Row[]> {
    return onConnection(db, async (client) => {
      const result = await client.query({ name: this.name, text: this.text, values: [...values] });
      return result.rows as Row[];
    });
  }
}

async function onConnection<T>(
  db: DataSource | EntityManager,
  use: (client: ClientBase) => Promise<T>,
): Promise<T> {
  const held = db instanceof DataSource ? undefined : db.queryRunner;
  const runner = held ?? (db instanceof DataSource ? db : db.connection).createQueryRunner();
  try {
    return await use((await runner.connect()) as ClientBase);
  } finally {
    if (!held) await runner.release();
  }
}
