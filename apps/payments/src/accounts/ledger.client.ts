import { Inject, Injectable } from '@nestjs/common';
import type { CurrencyCode, EntriesQuery, LedgerAccount, LedgerEntry } from '#contracts';
import { ConfigError } from '#config';
import { paymentsConfig, type PaymentsConfig } from '../config/payments.config.js';
import { LedgerUnavailableError } from './account.errors.js';

/**
 * The ledger's internal HTTP API, called with the service token. Only what the ledger is the
 * system of record for goes through here: opening an account there, balances and entries. A
 * timeout, a refused connection or a 5xx is `LedgerUnavailableError` (503 to the client, which
 * may retry: every call here is idempotent); any other unexpected answer is a bug and throws.
 */
@Injectable()
export class LedgerClient {
  /** Funding account ids by currency: they never change once created. */
  private readonly fundingAccounts = new Map<CurrencyCode, string>();

  private readonly apiToken: string;

  constructor(@Inject(paymentsConfig.KEY) private readonly config: PaymentsConfig) {
    // Checked here, not in the schema: the standalone relay shares the schema and needs no token.
    if (config.ledger.apiToken === undefined) {
      throw new ConfigError("LEDGER_API_TOKEN is required by the payments API: the ledger's token");
    }
    this.apiToken = config.ledger.apiToken;
  }

  /** Opens the account with this id, or finds the one a retry of this call opened. */
  async open(id: string, currency: CurrencyCode, allowNegative: boolean): Promise<LedgerAccount> {
    return (await this.call<LedgerAccount>('POST', '/accounts', { id, currency, allowNegative }))!;
  }

  async account(id: string): Promise<LedgerAccount | undefined> {
    return this.call<LedgerAccount>('GET', `/accounts/${id}`);
  }

  async entries(id: string, query: EntriesQuery): Promise<LedgerEntry[] | undefined> {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.after !== undefined) params.set('after', query.after);
    const page = await this.call<{ entries: LedgerEntry[] }>(
      'GET',
      `/accounts/${id}/entries?${params.toString()}`,
    );
    return page?.entries;
  }

  /** The currency's funding account, where money enters the ledger. */
  async fundingAccount(currency: CurrencyCode): Promise<string> {
    let id = this.fundingAccounts.get(currency);
    if (id === undefined) {
      id = (await this.call<{ id: string }>('PUT', `/funding-accounts/${currency}`))!.id;
      this.fundingAccounts.set(currency, id);
    }
    return id;
  }

  /** The answer's body; undefined for a 404 (no such account). */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    const { url, timeoutMs } = this.config.ledger;
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.apiToken}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new LedgerUnavailableError(error);
    }
    if (response.ok) return (await response.json()) as T;
    const text = await response.text();
    if (response.status === 404 && method === 'GET') return undefined;
    const failure = new Error(`ledger ${method} ${path} answered ${response.status}: ${text}`);
    if (response.status >= 500) throw new LedgerUnavailableError(failure);
    throw failure;
  }
}
