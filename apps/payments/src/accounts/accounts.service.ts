import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isUuid, type CurrencyCode, type EntriesQuery } from '#contracts';
import { encodeCursor } from '../http/page-cursor.js';
import { AccountNotFoundError, InvalidAccountIdError } from './account.errors.js';
import type { ListAccountsQuery } from './account.request.js';
import type { Account, AccountPage, EntryPage } from './account.response.js';
import { LedgerClient } from './ledger.client.js';

interface OwnedAccount {
  id: string;
  client_id: string;
  currency: CurrencyCode;
}

/**
 * Accounts as clients see them: each belongs to the client that opened it (or for which an
 * operator opened it), and only its owner sees it or debits it. Ownership lives here, in the
 * payments database; balances and entries in the ledger, read through `LedgerClient`.
 */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerClient,
  ) {}

  /**
   * Opens the account in the ledger first, then records its owner. A crash between the two
   * leaves an empty ledger account nobody owns: nobody can see it, debit it or credit it (a
   * transfer needs both accounts recorded here), so nothing can be lost there.
   */
  async open(clientId: string, currency: CurrencyCode, allowNegative = false): Promise<Account> {
    const id = randomUUID();
    const account = await this.ledger.open(id, currency, allowNegative);
    await this.dataSource.query(
      `insert into accounts (id, client_id, currency, created_at) values ($1, $2, $3, $4)`,
      [id, clientId, currency, account.createdAt],
    );
    this.logger.log(`account ${id} opened for ${clientId} in ${currency}`);
    return account;
  }

  /** The account with its balance, if this client owns it. */
  async get(clientId: string, id: string): Promise<Account> {
    await this.owned(clientId, id);
    const account = await this.ledger.account(id.toLowerCase());
    if (!account) throw new AccountNotFoundError();
    return account;
  }

  async entries(clientId: string, id: string, query: EntriesQuery): Promise<EntryPage> {
    await this.owned(clientId, id);
    const entries = await this.ledger.entries(id.toLowerCase(), query);
    if (!entries) throw new AccountNotFoundError();
    return { entries };
  }

  /** One page of this client's accounts, oldest first (keyset on created_at, id). */
  async list(clientId: string, { limit, after }: ListAccountsQuery): Promise<AccountPage> {
    const params: unknown[] = [clientId, limit + 1];
    let condition = '';
    if (after) {
      params.push(after.createdAtMicros, after.id);
      condition = `and (created_at, id) > ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::uuid)`;
    }
    const rows = await this.dataSource.query<
      Array<{ id: string; currency: string; created_at: Date; created_at_us: string }>
    >(
      `select id, currency, created_at,
              (extract(epoch from created_at) * 1000000)::bigint::text as created_at_us
         from accounts where client_id = $1 ${condition}
        order by created_at, id limit $2`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      accounts: page.map((r) => ({
        id: r.id,
        currency: r.currency,
        createdAt: r.created_at.toISOString(),
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAtMicros: last.created_at_us, id: last.id })
          : null,
    };
  }

  /** For funding: the credited account's currency; who owns it does not matter. */
  async currencyOf(id: string, field: string): Promise<CurrencyCode> {
    const [row] = await this.dataSource.query<Array<{ currency: CurrencyCode }>>(
      `select currency from accounts where id = $1`,
      [id],
    );
    if (!row) throw new AccountNotFoundError(field);
    return row.currency;
  }

  private async owned(clientId: string, id: string): Promise<OwnedAccount> {
    if (!isUuid(id)) throw new InvalidAccountIdError();
    const [row] = await this.dataSource.query<OwnedAccount[]>(
      `select id, client_id, currency from accounts where id = $1 and client_id = $2`,
      [id.toLowerCase(), clientId],
    );
    if (!row) throw new AccountNotFoundError();
    return row;
  }
}
