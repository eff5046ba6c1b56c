import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CurrencyCode } from '#contracts';
import { applyTransfer } from '../posting/apply-transfer.js';

export interface AccountView {
  id: string;
  currency: CurrencyCode;
  /** credits - debits, minor units. */
  balance: string;
  debitsPosted: string;
  creditsPosted: string;
  allowNegative: boolean;
  createdAt: string;
}

export interface EntryView {
  id: string;
  transferId: string;
  direction: 'debit' | 'credit';
  amount: string;
  createdAt: string;
}

const ACCOUNT_COLUMNS = `id, currency, (credits_posted - debits_posted)::text as balance,
  debits_posted::text as "debitsPosted", credits_posted::text as "creditsPosted",
  allow_negative as "allowNegative", created_at as "createdAt"`;

/** Reads and writes of accounts for the HTTP API; posting itself lives in posting/. */
@Injectable()
export class AccountsRepository {
  constructor(private readonly db: DataSource) {}

  async open(currency: CurrencyCode, allowNegative: boolean): Promise<AccountView> {
    const [row] = await this.db.query<AccountView[]>(
      `insert into accounts (id, currency, allow_negative) values ($1, $2, $3) returning ${ACCOUNT_COLUMNS}`,
      [randomUUID(), currency, allowNegative],
    );
    return normalise(row);
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
   * Moves `amount` from the currency's funding account (created on first use; allowed to go
   * negative: it is where money enters the ledger) to `accountId`, as an ordinary transfer.
   */
  async fund(
    accountId: string,
    currency: CurrencyCode,
    amount: string,
  ): Promise<{ transferId: string; settled: boolean; reason?: string }> {
    const fundingId = await this.fundingAccount(currency);
    const transferId = randomUUID();
    const result = await applyTransfer(this.db, {
      type: 'TransferRequested',
      version: 1,
      eventId: transferId,
      transferId,
      debitAccountId: fundingId,
      creditAccountId: accountId,
      amount,
      currency,
      requestedAt: new Date().toISOString(),
    });
    return result.type === 'TransferSettled'
      ? { transferId, settled: true }
      : { transferId, settled: false, reason: result.reason };
  }

  private async fundingAccount(currency: string): Promise<string> {
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
