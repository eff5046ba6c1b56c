import type { DataSource } from 'typeorm';

export interface PendingTransfers {
  /** Age of the oldest pending transfer; 0 when none is pending. */
  oldestAgeSeconds: number;
  /** Transfers pending for longer than the threshold. */
  overThreshold: number;
}

/**
 * How long transfers have been pending, for metrics: one statement, two reads of the partial
 * index `transfers_pending_by_age` (its first entry, and the range older than the threshold).
 * Ages are measured by the database's clock against `created_at`, which the API's clock wrote;
 * an age below 0 (clocks apart) counts as 0.
 */
export async function pendingTransfers(
  db: DataSource,
  thresholdSeconds: number,
): Promise<PendingTransfers> {
  const [row] = await db.query<PendingTransfers[]>(
    `select greatest(coalesce(extract(epoch from now() - (
              select min(created_at) from transfers where status = 'pending')), 0), 0)::float8
              as "oldestAgeSeconds",
            (select count(*) from transfers
              where status = 'pending' and created_at < now() - make_interval(secs => $1))::int
              as "overThreshold"`,
    [thresholdSeconds],
  );
  return row ?? { oldestAgeSeconds: 0, overThreshold: 0 };
}
