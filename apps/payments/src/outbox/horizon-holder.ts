import type { DataSource } from 'typeorm';

/** How much of the holder's current or last query is reported. */
const QUERY_CHARS = 200;

/**
 * The transaction that holds the relay's horizon back: a backend, of any database of the
 * cluster, or a prepared transaction (then `pid` is null and `preparedGid` names it).
 */
export interface HorizonHolder {
  pid: number | null;
  database: string | null;
  user: string | null;
  applicationName: string | null;
  /** pg_stat_activity's state, e.g. `idle in transaction`; `prepared` for a prepared transaction. */
  state: string | null;
  /** When its transaction began (prepared: when it was prepared), ISO 8601. */
  xactStart: string | null;
  /** Its current or last statement, cut to 200 characters. */
  query: string | null;
  preparedGid: string | null;
}

interface HolderRow extends Omit<HorizonHolder, 'xactStart'> {
  horizon: string;
  xactStart: Date | null;
}

/**
 * The cluster's xmin horizon (`pg_snapshot_xmin(pg_current_snapshot())`, below which the relay
 * reads) and the transaction at it: the oldest transaction id still running, among backends
 * (`pg_stat_activity.backend_xid`) and prepared transactions (`pg_prepared_xacts`). Other roles'
 * backends show their `backend_xid` only to a superuser or a member of `pg_read_all_stats`;
 * without that the holder may stay unknown.
 */
export async function findHorizonHolder(
  db: DataSource,
): Promise<{ horizon: string; holder?: HorizonHolder }> {
  const [row] = await db.query<HolderRow[]>(
    `select pg_snapshot_xmin(pg_current_snapshot())::text as horizon, t.pid, t.database,
            t."user", t."applicationName", t.state, t."xactStart", t.query, t."preparedGid"
       from (select 1) one
       left join lateral (
         select a.pid, a.datname::text as database, a.usename::text as "user",
                a.application_name as "applicationName", a.state, a.xact_start as "xactStart",
                left(a.query, ${QUERY_CHARS}) as query, null::text as "preparedGid",
                age(a.backend_xid) as age
           from pg_stat_activity a
          where a.backend_xid is not null
         union all
         select null, p.database::text, p.owner::text, null, 'prepared', p.prepared, null, p.gid,
                age(p.transaction)
           from pg_prepared_xacts p
          order by age desc
          limit 1
       ) t on true`,
  );
  if (!row) throw new Error('the horizon query returned no row');
  const { horizon, xactStart, ...holder } = row;
  if (holder.pid === null && holder.preparedGid === null) return { horizon };
  return { horizon, holder: { ...holder, xactStart: xactStart?.toISOString() ?? null } };
}
