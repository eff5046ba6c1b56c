import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startLedgerApp, type LedgerTestApp } from '../ledger/ledger-app.js';
import { startPaymentsApp, TEST_API_KEY, type PaymentsTestApp } from '../payments/payments-app.js';
import { OTHER_API_KEY, TWO_CLIENTS_API_KEYS } from '../payments/transfers-api.js';
import { LEDGER_TEST_TOKEN, TEST_ADMIN_KEY } from '../support/service-credentials.js';

type Caller = 'none' | 'wrong' | 'clientA' | 'clientB' | 'admin' | 'service';
const CALLERS: Caller[] = ['none', 'wrong', 'clientA', 'clientB', 'admin', 'service'];

interface Row {
  service: 'payments' | 'ledger';
  method: 'GET' | 'POST' | 'PUT';
  /** With the ids of the set-up: client A's account and transfer, A's funding. */
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  /** The expected status per caller. */
  expect: Record<Caller, number>;
}

interface Ids {
  accountA: string;
  accountB: string;
  transferA: string;
  fundingA: string;
}

const clientOnly = (ok: number, forB: number): Record<Caller, number> => ({
  none: 401,
  wrong: 401,
  clientA: ok,
  clientB: forB,
  // Admin keys are not client keys, and the ledger's token is for the ledger alone.
  admin: 401,
  service: 401,
});
const adminOnly = (ok: number): Record<Caller, number> => ({
  none: 401,
  wrong: 401,
  clientA: 403,
  clientB: 403,
  admin: ok,
  service: 401,
});
const serviceOnly = (ok: number): Record<Caller, number> => ({
  none: 401,
  wrong: 401,
  clientA: 401,
  clientB: 401,
  admin: 401,
  service: ok,
});
const everyone = (status: number): Record<Caller, number> =>
  Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;

/**
 * Every HTTP endpoint of both services × every kind of caller: the status each one gets, and
 * nothing written in either database by a refused request. Client A owns an account and a
 * transfer; client B tries them. Both services run in this process, without Kafka consumers.
 */
const MATRIX: Row[] = [
  {
    service: 'payments',
    method: 'POST',
    path: () => '/transfers',
    body: (ids) => ({
      debitAccountId: ids.accountA,
      creditAccountId: ids.accountB,
      amount: '1',
      currency: 'EUR',
    }),
    // B may not debit A's account: 404, as for an account that does not exist.
    expect: clientOnly(202, 404),
  },
  {
    service: 'payments',
    method: 'GET',
    path: (ids) => `/transfers/${ids.transferA}`,
    expect: clientOnly(200, 404),
  },
  { service: 'payments', method: 'GET', path: () => '/transfers', expect: clientOnly(200, 200) },
  {
    service: 'payments',
    method: 'POST',
    path: () => '/accounts',
    body: () => ({ currency: 'EUR' }),
    expect: clientOnly(201, 201),
  },
  { service: 'payments', method: 'GET', path: () => '/accounts', expect: clientOnly(200, 200) },
  {
    service: 'payments',
    method: 'GET',
    path: (ids) => `/accounts/${ids.accountA}`,
    expect: clientOnly(200, 404),
  },
  {
    service: 'payments',
    method: 'GET',
    path: (ids) => `/accounts/${ids.accountA}/entries`,
    expect: clientOnly(200, 404),
  },
  {
    service: 'payments',
    method: 'POST',
    path: () => '/admin/accounts',
    body: () => ({ clientId: 'test-client', currency: 'EUR', allowNegative: true }),
    expect: adminOnly(201),
  },
  {
    service: 'payments',
    method: 'POST',
    path: () => '/admin/fundings',
    body: (ids) => ({ accountId: ids.accountA, amount: '100', currency: 'EUR' }),
    expect: adminOnly(202),
  },
  {
    service: 'payments',
    method: 'GET',
    path: (ids) => `/admin/fundings/${ids.fundingA}`,
    expect: adminOnly(200),
  },
  { service: 'payments', method: 'GET', path: () => '/health/live', expect: everyone(200) },
  {
    service: 'ledger',
    method: 'POST',
    path: () => '/accounts',
    body: () => ({ id: randomUUID(), currency: 'EUR', allowNegative: true }),
    expect: serviceOnly(201),
  },
  {
    service: 'ledger',
    method: 'GET',
    path: (ids) => `/accounts/${ids.accountA}`,
    expect: serviceOnly(200),
  },
  {
    service: 'ledger',
    method: 'GET',
    path: (ids) => `/accounts/${ids.accountA}/entries`,
    expect: serviceOnly(200),
  },
  {
    service: 'ledger',
    method: 'PUT',
    path: () => '/funding-accounts/CHF',
    expect: serviceOnly(200),
  },
  { service: 'ledger', method: 'GET', path: () => '/health/live', expect: everyone(200) },
];

describe('authorization matrix', () => {
  let paymentsDb: TestDatabase;
  let ledgerDb: TestDatabase;
  let ledger: LedgerTestApp;
  let payments: PaymentsTestApp;
  let paymentsSql: pg.Client;
  let ledgerSql: pg.Client;
  let ids: Ids;

  const credentials: Record<Caller, Record<string, string>> = {
    none: {},
    wrong: { authorization: 'Bearer not-a-key-of-anyone-0123456789' },
    clientA: { authorization: `Bearer ${TEST_API_KEY}` },
    clientB: { authorization: `Bearer ${OTHER_API_KEY}` },
    admin: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    service: { authorization: `Bearer ${LEDGER_TEST_TOKEN}` },
  };

  const call = (row: Row, caller: Caller) =>
    fetch(`${row.service === 'payments' ? payments.url : ledger.url}${row.path(ids)}`, {
      method: row.method,
      headers: {
        ...credentials[caller],
        ...(row.body && { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
      },
      ...(row.body && { body: JSON.stringify(row.body(ids)) }),
    });

  /** Every row of both databases' tables, counted: what a refused request must leave as it was. */
  const rowCounts = async () => {
    const [p, l] = await Promise.all([
      paymentsSql.query(
        `select (select count(*) from transfers)::int as transfers,
                (select count(*) from outbox)::int as outbox,
                (select count(*) from accounts)::int as accounts`,
      ),
      ledgerSql.query(
        `select (select count(*) from accounts)::int as accounts,
                (select count(*) from entries)::int as entries,
                (select count(*) from inbox)::int as inbox`,
      ),
    ]);
    return { payments: p.rows[0] as unknown, ledger: l.rows[0] as unknown };
  };

  beforeAll(async () => {
    [paymentsDb, ledgerDb] = await Promise.all([
      createTestDatabase('authz-payments'),
      createTestDatabase('authz-ledger'),
    ]);
    ledger = await startLedgerApp(ledgerDb.url);
    payments = await startPaymentsApp(paymentsDb.url, {
      RELAY_MODE: 'off',
      SETTLEMENT_ENABLED: 'false',
      API_KEYS: TWO_CLIENTS_API_KEYS,
      LEDGER_URL: ledger.url,
      RATE_LIMIT_REQUESTS: '0',
    });
    paymentsSql = new pg.Client({ connectionString: paymentsDb.url });
    ledgerSql = new pg.Client({ connectionString: ledgerDb.url });
    await Promise.all([paymentsSql.connect(), ledgerSql.connect()]);

    const post = async (key: string, path: string, body: unknown) => {
      const response = await fetch(`${payments.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify(body),
      });
      if (response.status >= 300) throw new Error(`${path}: ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    };
    const accountA = await post(TEST_API_KEY, '/accounts', { currency: 'EUR' });
    const accountB = await post(OTHER_API_KEY, '/accounts', { currency: 'EUR' });
    ids = {
      accountA,
      accountB,
      transferA: await post(TEST_API_KEY, '/transfers', {
        debitAccountId: accountA,
        creditAccountId: accountB,
        amount: '1',
        currency: 'EUR',
      }),
      fundingA: await post(TEST_ADMIN_KEY, '/admin/fundings', {
        accountId: accountA,
        amount: '1',
        currency: 'EUR',
      }),
    };
  });
  afterAll(async () => {
    await Promise.all([paymentsSql?.end(), ledgerSql?.end()]);
    await payments?.close();
    await ledger?.close();
    await Promise.all([paymentsDb?.drop(), ledgerDb?.drop()]);
  });

  it.each(
    MATRIX.map(
      (row) =>
        [
          `${row.service} ${row.method} ${row.path({ accountA: ':id', accountB: ':id', transferA: ':id', fundingA: ':id' })}`,
          row,
        ] as const,
    ),
  )('%s', async (_, row) => {
    const answered: Record<string, number> = {};
    for (const caller of CALLERS) {
      const before = await rowCounts();
      const response = await call(row, caller);
      answered[caller] = response.status;
      if (response.status >= 400) {
        expect({ caller, body: await response.json() }).toMatchObject({
          caller,
          body: { code: expect.stringMatching(/^[A-Z_]+$/) as unknown },
        });
        // Refused: not a row more anywhere.
        expect({ caller, rows: await rowCounts() }).toEqual({ caller, rows: before });
      } else {
        await response.arrayBuffer();
      }
    }
    expect(answered).toEqual(row.expect);
  });

  it('shows a client only its own accounts and transfers in the listings', async () => {
    const list = async (key: string, path: string) =>
      (await (
        await fetch(`${payments.url}${path}`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as Record<string, Array<{ id: string }>>;
    const accountsOfB = (await list(OTHER_API_KEY, '/accounts')).accounts ?? [];
    const transfersOfB = (await list(OTHER_API_KEY, '/transfers')).transfers ?? [];
    expect(accountsOfB.map((a) => a.id)).toContain(ids.accountB);
    expect(accountsOfB.map((a) => a.id)).not.toContain(ids.accountA);
    expect(transfersOfB.map((t) => t.id)).not.toContain(ids.transferA);
    const accountsOfA = (await list(TEST_API_KEY, '/accounts')).accounts ?? [];
    expect(accountsOfA.map((a) => a.id)).toContain(ids.accountA);
    expect(accountsOfA.map((a) => a.id)).not.toContain(ids.accountB);
  });

  it("answers an unknown account exactly as another client's: 404 ACCOUNT_NOT_FOUND", async () => {
    const body = async (key: string, id: string) =>
      (
        await fetch(`${payments.url}/accounts/${id}`, {
          headers: { authorization: `Bearer ${key}` },
        })
      ).json();
    expect(await body(OTHER_API_KEY, ids.accountA)).toEqual(
      await body(OTHER_API_KEY, randomUUID()),
    );
  });

  it('refuses a transfer from an account not the caller’s as from an unknown one, writes nothing, and leaves the key unused', async () => {
    const send = async (key: string, idempotencyKey: string, debit: string, credit: string) => {
      const response = await fetch(`${payments.url}/transfers`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify({
          debitAccountId: debit,
          creditAccountId: credit,
          amount: '1',
          currency: 'EUR',
        }),
      });
      const body = (await response.json()) as { code?: string; details?: Array<{ field: string }> };
      return { status: response.status, body };
    };
    const before = await rowCounts();
    const key = randomUUID();
    const othersAccount = await send(OTHER_API_KEY, key, ids.accountA, ids.accountB);
    expect(othersAccount.status).toBe(404);
    expect(othersAccount.body.code).toBe('ACCOUNT_NOT_FOUND');
    expect(othersAccount.body.details?.map((d) => d.field)).toEqual(['debitAccountId']);
    expect(await send(OTHER_API_KEY, key, randomUUID(), ids.accountA)).toEqual(othersAccount);
    const unknownCredit = await send(TEST_API_KEY, randomUUID(), ids.accountA, randomUUID());
    expect(unknownCredit.status).toBe(404);
    expect(unknownCredit.body.details?.map((d) => d.field)).toEqual(['creditAccountId']);
    expect(await rowCounts()).toEqual(before);
    // The refused request took nothing: the same key then sends B's own transfer.
    expect((await send(OTHER_API_KEY, key, ids.accountB, ids.accountA)).status).toBe(202);
  });
});
