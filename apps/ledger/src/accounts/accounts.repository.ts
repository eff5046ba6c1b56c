import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CurrencyCode, LedgerAccount, LedgerEntry } from '#contracts';

export type AccountView = LedgerAccount;
export type EntryView = LedgerEntry;

const ACCOUNT_COLUMNS = `id, currency, (credits_posted - debits_posted)::text as balance,
  debits_posted::text as "debitsPosted", credits_posted::text as "creditsPosted",
  allow_negative as "allowNegative", created_at as "createdAt"`;

/** Reads and writes of accounts for the internal HTTP API; posting lives in posting/. */
@Injectable()
export class AccountsRepository {
  constructor(private readonly db: DataSource) {}

  /** Opens the account unless it exists; either way returns it as stored. */
  async open(id: string, currency: CurrencyCode, allowNegative: boolean): Promise<AccountView> {
    await this.db.query(
      `insert into accounts (id, currency, allow_negative) values ($1, $2, $3)
       on conflict (id) do nothing`,
      [id, currency, allowNegative],
    );
    return normalise(await this.find(id));
  }

  async find(id: string): Promise<AccountView | undefined> {
    const [row] = await this.db.query<AccountView[]>(
      `select ${ACCOUNT_COLUMNS} from accounts where id = $1`,
      [id],
    );
    return row && normalise(row);
  }

  async entries(accountId: string, limit: number, afterId?: string): Promise<EntryView[]> {
    const rows = await this.db.query<Array<EntryView & { createdAt: Date | string }>>(
      `select id::text as id, transfer_id as "transferId", direction, amount::text as amount, created_at as "createdAt"
         from entries where account_id = $1 and id > $2 order by id limit $3`,
      [accountId, afterId ?? '0', limit],
    );
    return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() }));
  }

  /**
   * The currency's funding account: allowed to go negative, it is where money enters the ledger
   * (its balance is minus all the money of that currency). Created on first use.
   */
  async fundingAccount(currency: CurrencyCode): Promise<string> {
    await this.db.query(
      `insert into accounts (id, currency, allow_negative, is_funding) values ($1, $2, true, true)
       on conflict (currency) where is_funding do nothing`,
      [randomUUID(), currency],
    );
    const [row] = await this.db.query<Array<{ id: string }>>(
      `select id from accounts where currency = $1 and is_funding`,
      [currency],
    );
    if (!row) throw new Error(`no funding account for ${currency}`);
    return row.id;
  }
}

function normalise(row: AccountView | undefined): AccountView {
  if (!row) throw new Error('account row missing');
  return { ...row, createdAt: new Date(row.createdAt).toISOString() };
}
