import pg from 'pg';

export interface LedgerInvariants {
  /** The sum of all balances: 0 in a double-entry ledger. */
  totalBalance: string;
  /** Accounts whose posted totals differ from the sums of their entries. */
  accountsOffBySum: number;
  /** Accounts below zero without the overdraft flag. */
  negativeWithoutFlag: number;
  /** Transfers whose entries are not one debit and one credit of the same amount. */
  entriesNotPaired: number;
}

/** The invariants of a ledger database, read in one statement. */
export async function ledgerInvariants(databaseUrl: string): Promise<LedgerInvariants> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      total: string;
      off: number;
      negative: number;
      unpaired: number;
    }>(`
      select (select coalesce(sum(credits_posted - debits_posted), 0)::text from accounts) as total,
             (select count(*)::int from accounts a where
                a.debits_posted <> coalesce((select sum(amount) from entries e where e.account_id = a.id and e.direction = 'debit'), 0)
             or a.credits_posted <> coalesce((select sum(amount) from entries e where e.account_id = a.id and e.direction = 'credit'), 0)) as off,
             (select count(*)::int from accounts where not allow_negative and credits_posted < debits_posted) as negative,
             (select count(*)::int from (select transfer_id from entries group by transfer_id having count(*) <> 2
                or sum(case when direction = 'debit' then amount else -amount end) <> 0) t) as unpaired`);
    const [row] = rows;
    return {
      totalBalance: row?.total ?? '?',
      accountsOffBySum: row?.off ?? -1,
      negativeWithoutFlag: row?.negative ?? -1,
      entriesNotPaired: row?.unpaired ?? -1,
    };
  } finally {
    await client.end();
  }
}
