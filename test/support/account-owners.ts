import pg from 'pg';

/**
 * Writes the ownership rows `POST /accounts` would write, in payments' database only, unless
 * they exist: for tests and benchmarks of payments without a ledger (which never hears of
 * these accounts). `target`: the database's URL, or a pool of it.
 */
export async function recordAccountOwners(
  target: string | pg.Pool,
  ids: readonly string[],
  clientId: string,
  currency: string,
): Promise<void> {
  const sql = `insert into accounts (id, client_id, currency) select unnest($1::uuid[]), $2, $3
               on conflict (id) do nothing`;
  const params = [ids.map((id) => id.toLowerCase()), clientId, currency];
  if (typeof target !== 'string') {
    await target.query(sql, params);
    return;
  }
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}
