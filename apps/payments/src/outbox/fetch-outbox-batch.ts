import type { DataSource } from 'typeorm';
import { PreparedStatement } from '#postgres';
import type { RelayPosition } from './relay-position.js';

export interface OutboxRow {
  id: string;
  xid: string;
  eventId: string;
  topic: string;
  key: string;
  payload: string;
  headers: Record<string, string>;
}

/**
 * The next rows to publish, in commit-safe order, in one statement.
 *
 * A row is read only when its transaction id is below the snapshot's xmin: every transaction
 * below xmin has ended, so no row can later appear before the rows read now. Reading by `id`
 * alone would skip a row whose transaction took its id first but committed last.
 * (xid, id) is the order rows are published in; the relay's position is the last pair published.
 */
const fetchStatement = new PreparedStatement<OutboxRow>(
  'payments.fetch-outbox-batch',
  // Columns are qualified: an unqualified ORDER BY xid would sort by the text alias below
  // ('1000' < '994'), publish out of order and skip rows. A test caught exactly that.
  `select o.id::text as id, o.xid::text as xid, o.event_id as "eventId", o.topic, o.key,
            o.payload::text as payload, o.headers
       from outbox o
      where o.xid < pg_snapshot_xmin(pg_current_snapshot())
        and (o.xid, o.id) > ($1::xid8, $2::bigint)
      order by o.xid, o.id
      limit $3`,
);

export async function fetchOutboxBatch(
  db: DataSource,
  after: RelayPosition,
  limit: number,
): Promise<OutboxRow[]> {
  return fetchStatement.rows(db, [after.xid, after.id, limit]);
}

const deleteStatement = new PreparedStatement<never>(
  'payments.delete-published',
  `delete from outbox where (xid, id) <= ($1::xid8, $2::bigint)`,
);

/** Removes rows already published (at or before `upTo`). */
export async function deletePublished(db: DataSource, upTo: RelayPosition): Promise<void> {
  await deleteStatement.rows(db, [upTo.xid, upTo.id]);
}

/** Unpublished rows and the age of the oldest, for metrics and readiness. */
export async function outboxBacklog(
  db: DataSource,
): Promise<{ count: number; oldestAgeSeconds: number }> {
  const [row] = await db.query<Array<{ count: number; oldestAgeSeconds: number }>>(
    `select count(*)::int as count,
            coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as "oldestAgeSeconds"
       from outbox`,
  );
  return row ?? { count: 0, oldestAgeSeconds: 0 };
}

/**
 * The committed rows after `after` and how long the oldest has waited. When the relay's read
 * finds nothing although such rows exist, they are above the xmin horizon: an older transaction
 * somewhere in the cluster is still running.
 */
export async function rowsWaitingAfter(
  db: DataSource,
  after: RelayPosition,
): Promise<{ count: number; oldestAgeMs: number }> {
  const [row] = await db.query<Array<{ count: number; oldestAgeMs: number }>>(
    `select count(*)::int as count,
            coalesce(extract(epoch from now() - min(o.created_at)) * 1000, 0)::float8 as "oldestAgeMs"
       from outbox o
      where (o.xid, o.id) > ($1::xid8, $2::bigint)`,
    [after.xid, after.id],
  );
  return row ?? { count: 0, oldestAgeMs: 0 };
}
