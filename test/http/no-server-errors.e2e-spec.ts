import fc from 'fast-check';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startLedgerApp, type LedgerTestApp } from '../ledger/ledger-app.js';
import { randomUUID } from 'node:crypto';
import {
  startPaymentsApp,
  TEST_API_KEY,
  TEST_CLIENT,
  type PaymentsTestApp,
} from '../payments/payments-app.js';
import { LEDGER_TEST_TOKEN, TEST_ADMIN_KEY } from '../support/service-credentials.js';
import {
  OTHER_API_KEY,
  postTransfer,
  registerAccounts,
  transferBody,
  TWO_CLIENTS_API_KEYS,
} from '../payments/transfers-api.js';
import {
  authArbitrary,
  bodyArbitrary,
  idArbitrary,
  idempotencyKeyArbitrary,
  queryArbitrary,
  requestArbitrary,
  type RequestShape,
} from './hostile-requests.js';
import { sendRaw, type RawRequest, type RawResponse } from './raw-http.js';

/** FUZZ_SEED and FUZZ_RUNS (per endpoint) override the defaults; a failure prints its seed. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

interface Endpoint {
  service: 'payments' | 'ledger';
  name: string;
  shape: () => RequestShape;
  /** A share of FUZZ_RUNS, for endpoints with less to vary (no parameters, no body). */
  share?: number;
  /** /metrics and /docs are served on the management listener only. */
  management?: boolean;
}

const methodOr = (method: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(method) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
    },
  );

describe('no request makes a service answer 5xx', () => {
  let paymentsDb: TestDatabase;
  let ledgerDb: TestDatabase;
  let payments: PaymentsTestApp;
  let ledger: LedgerTestApp;
  const transferIds: string[] = [];
  const accountIds: string[] = [];
  const fundingIds: string[] = [];

  beforeAll(async () => {
    [paymentsDb, ledgerDb] = await Promise.all([
      createTestDatabase('fuzz-payments'),
      createTestDatabase('fuzz-ledger'),
    ]);
    // No relay, settlement or posting: no consumer runs, the HTTP APIs do; readiness still asks
    // the run's Kafka.
    ledger = await startLedgerApp(ledgerDb.url);
    payments = await startPaymentsApp(paymentsDb.url, {
      RELAY_MODE: 'off',
      SETTLEMENT_ENABLED: 'false',
      API_KEYS: TWO_CLIENTS_API_KEYS,
      LEDGER_URL: ledger.url,
    });
    // The fixed accounts of the transfer bodies below, as the test client's: some transfers
    // get past the ownership check.
    for (const [i, debitAccountId] of transferFields.debitAccountId.entries()) {
      const creditAccountId = transferFields.creditAccountId[i];
      await registerAccounts(
        payments.url,
        { debitAccountId, creditAccountId, currency: 'EUR' },
        TEST_CLIENT,
      );
    }
    for (const apiKey of [TEST_API_KEY, TEST_API_KEY, OTHER_API_KEY]) {
      const response = await postTransfer(payments.url, transferBody(), { apiKey });
      transferIds.push(((await response.json()) as { id: string }).id);
    }
    for (const currency of ['EUR', 'USD']) {
      const opened = await fetch(`${payments.url}/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
        body: JSON.stringify({ currency }),
      });
      const { id } = (await opened.json()) as { id: string };
      accountIds.push(id);
      const funded = await fetch(`${payments.url}/admin/fundings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${TEST_ADMIN_KEY}`,
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({ accountId: id, amount: '1000', currency }),
      });
      fundingIds.push(((await funded.json()) as { id: string }).id);
    }
  });
  /** Statuses answered per endpoint, printed at the end: what the requests reached. */
  const summary: string[] = [];
  afterAll(async () => {
    console.log(`statuses answered (seed ${SEED}, FUZZ_RUNS ${RUNS}):\n${summary.join('\n')}`);
    await payments?.close();
    await ledger?.close();
    await Promise.all([paymentsDb?.drop(), ledgerDb?.drop()]);
  });

  const keys = [TEST_API_KEY, OTHER_API_KEY, TEST_ADMIN_KEY];
  const ledgerKeys = [LEDGER_TEST_TOKEN];
  const noQuery = () => queryArbitrary(['a'], ['1']);
  const anyBody = () => bodyArbitrary({});
  const fixed =
    (method: string, path: string): Endpoint['shape'] =>
    () => ({
      method: methodOr(method),
      path: fc.constant(path),
      query: noQuery(),
      auth: authArbitrary(keys),
      body: anyBody(),
    });
  // Mostly valid values, so that many requests get past validation, and a few that are not.
  const transferFields = {
    // Fixed, not random: a seed must replay the same requests.
    debitAccountId: [
      'a4b1c2d3-0000-4000-8000-000000000001',
      'a4b1c2d3-0000-4000-8000-000000000002',
      '3F2504E0-4F89-41D3-9A0C-0305E82C3301',
    ],
    creditAccountId: [
      'b4b1c2d3-0000-4000-8000-000000000001',
      'b4b1c2d3-0000-4000-8000-000000000002',
      '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    ],
    amount: ['1', '1050', '9223372036854775807'],
    currency: ['EUR', 'USD', 'JPY', 'usd'],
  };
  const ledgerAccountFields = {
    // Many ids: an id opens once, and again only with the same terms.
    id: [
      ...Array.from(
        { length: 60 },
        (_, i) => `c4b1c2d3-0000-4000-8000-${String(i).padStart(12, '0')}`,
      ),
      'C4B1C2D3-0000-4000-8000-000000000002',
      'c4b1',
    ],
    currency: ['EUR', 'USD', 'JPY', 'eur'],
    allowNegative: [true, false, false, 'true'],
  };
  const accountFields = { currency: ['EUR', 'USD', 'JPY', 'eur'] };
  const adminAccountFields = {
    clientId: ['test-client', 'other-client', 'nobody', 'admin:x'],
    currency: ['EUR', 'USD', 'eur'],
    allowNegative: [true, false, 'true'],
  };
  const fundingFields = {
    accountId: ['b4b1c2d3-0000-4000-8000-000000000001', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'],
    amount: ['1', '5000', '9223372036854775807', '01'],
    currency: ['EUR', 'USD', 'eur'],
  };

  const listParams = {
    status: ['pending', 'completed', 'rejected', 'PENDING'],
    olderThanSeconds: ['0', '60', '315360000', '315360001'],
    limit: ['1', '2', '500', '501'],
    cursor: [
      // 1764600000123456:<a UUID>, the first and the last position, 1:not-a-uuid, and a
      // forged 20-digit instant.
      'MTc2NDYwMDAwMDEyMzQ1NjozZjI1MDRlMC00Zjg5LTQxZDMtOWEwYy0wMzA1ZTgyYzMzMDE',
      'MDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA',
      'OTk5OTk5OTk5OTk5OTk5OTpmZmZmZmZmZi1mZmZmLWZmZmYtZmZmZi1mZmZmZmZmZmZmZmY',
      'MTpub3QtYS11dWlk',
      'OTk5OTk5OTk5OTk5OTk5OTk5OTk6M2YyNTA0ZTAtNGY4OS00MWQzLTlhMGMtMDMwNWU4MmMzMzAx',
    ],
  };
  const accountListParams = { limit: ['1', '500', '501', '0'], cursor: listParams.cursor };
  const entriesParams = { limit: ['1', '1000', '1001'], after: ['0', '1', '2', '007'] };
  const listQuery = () => queryArbitrary(Object.keys(listParams), Object.values(listParams).flat());
  const entriesQuery = () =>
    queryArbitrary(Object.keys(entriesParams), Object.values(entriesParams).flat());

  const endpoints: Endpoint[] = [
    {
      service: 'payments',
      name: 'POST /transfers',
      shape: () => ({
        method: methodOr('POST'),
        path: fc.oneof(
          { weight: 8, arbitrary: fc.constant('/transfers') },
          { weight: 1, arbitrary: fc.constantFrom('/transfers/', '/Transfers', '//transfers') },
        ),
        query: noQuery(),
        auth: authArbitrary(keys),
        body: bodyArbitrary(transferFields),
        fields: transferFields,
        headers: idempotencyKeyArbitrary,
      }),
    },
    {
      service: 'payments',
      name: 'GET /transfers/:id',
      shape: () => ({
        method: methodOr('GET'),
        path: idArbitrary(transferIds).map((id) => `/transfers/${id}`),
        query: noQuery(),
        auth: authArbitrary(keys),
        body: anyBody(),
      }),
    },
    {
      service: 'payments',
      name: 'GET /transfers',
      shape: () => ({
        method: methodOr('GET'),
        path: fc.constantFrom('/transfers', '/transfers/'),
        query: listQuery(),
        params: listParams,
        auth: authArbitrary(keys),
        body: anyBody(),
      }),
    },
    { service: 'payments', name: 'GET /health/live', shape: fixed('GET', '/health/live') },
    {
      service: 'payments',
      name: 'GET /health/ready',
      shape: fixed('GET', '/health/ready'),
      share: 0.3,
    },
    {
      service: 'payments',
      name: 'GET /metrics',
      shape: fixed('GET', '/metrics'),
      share: 0.5,
      management: true,
    },
    {
      service: 'payments',
      name: 'GET /docs-json',
      shape: fixed('GET', '/docs-json'),
      share: 0.5,
      management: true,
    },
    {
      service: 'payments',
      name: 'GET /docs and unknown routes',
      shape: () => ({
        method: methodOr('GET'),
        path: idArbitrary([
          'docs',
          'docs/swagger-ui-init.js',
          'health',
          'metrics',
          'transfers',
        ]).map((p) => `/${p}`),
        query: noQuery(),
        auth: authArbitrary(keys),
        body: anyBody(),
      }),
      share: 0.5,
      management: true,
    },
    {
      service: 'payments',
      name: 'POST /accounts',
      shape: () => ({
        method: methodOr('POST'),
        path: fc.constantFrom('/accounts', '/accounts', '/accounts/'),
        query: noQuery(),
        auth: authArbitrary(keys),
        body: bodyArbitrary(accountFields),
        fields: accountFields,
      }),
      share: 0.3,
    },
    {
      service: 'payments',
      name: 'GET /accounts',
      shape: () => ({
        method: methodOr('GET'),
        path: fc.constantFrom('/accounts', '/accounts/'),
        query: queryArbitrary(
          Object.keys(accountListParams),
          Object.values(accountListParams).flat(),
        ),
        params: accountListParams,
        auth: authArbitrary(keys),
        body: anyBody(),
      }),
      share: 0.3,
    },
    {
      service: 'payments',
      name: 'GET /accounts/:id',
      shape: () => ({
        method: methodOr('GET'),
        path: idArbitrary(accountIds).map((id) => `/accounts/${id}`),
        query: noQuery(),
        auth: authArbitrary(keys),
        body: anyBody(),
      }),
      share: 0.3,
    },
    {
      service: 'payments',
      name: 'GET /accounts/:id/entries',
      shape: () => ({
        method: methodOr('GET'),
        path: idArbitrary(accountIds).map((id) => `/accounts/${id}/entries`),
        query: entriesQuery(),
        params: entriesParams,
        auth: authArbitrary(keys),
        body: anyBody(),
      }),
      share: 0.3,
    },
    {
      service: 'payments',
      name: 'POST /admin/accounts',
      shape: () => ({
        method: methodOr('POST'),
        path: fc.constantFrom('/admin/accounts', '/admin/accounts', '/admin/accounts/'),
        query: noQuery(),
        auth: authArbitrary(keys),
        body: bodyArbitrary(adminAccountFields),
        fields: adminAccountFields,
      }),
      share: 0.3,
    },
    {
      service: 'payments',
      name: 'POST /admin/fundings',
      shape: () => ({
        method: methodOr('POST'),
        path: fc.constantFrom('/admin/fundings', '/admin/fundings', '/admin/fundings/'),
        query: noQuery(),
        auth: authArbitrary(keys),
        body: bodyArbitrary(fundingFields),
        fields: fundingFields,
        headers: idempotencyKeyArbitrary,
      }),
      share: 0.3,
    },
    {
      service: 'payments',
      name: 'GET /admin/fundings/:id',
      shape: () => ({
        method: methodOr('GET'),
        path: idArbitrary(fundingIds).map((id) => `/admin/fundings/${id}`),
        query: noQuery(),
        auth: authArbitrary(keys),
        body: anyBody(),
      }),
      share: 0.3,
    },
    {
      service: 'ledger',
      name: 'POST /accounts',
      shape: () => ({
        method: methodOr('POST'),
        path: fc.constantFrom('/accounts', '/accounts', '/accounts', '/accounts/'),
        query: noQuery(),
        auth: authArbitrary(ledgerKeys),
        body: bodyArbitrary(ledgerAccountFields),
        fields: ledgerAccountFields,
      }),
    },
    {
      service: 'ledger',
      name: 'GET /accounts/:id',
      shape: () => ({
        method: methodOr('GET'),
        path: idArbitrary(accountIds).map((id) => `/accounts/${id}`),
        query: noQuery(),
        auth: authArbitrary(ledgerKeys),
        body: anyBody(),
      }),
    },
    {
      service: 'ledger',
      name: 'GET /accounts/:id/entries',
      shape: () => ({
        method: methodOr('GET'),
        path: idArbitrary(accountIds).map((id) => `/accounts/${id}/entries`),
        query: entriesQuery(),
        params: entriesParams,
        auth: authArbitrary(ledgerKeys),
        body: anyBody(),
      }),
    },
    {
      service: 'ledger',
      name: 'PUT /funding-accounts/:currency',
      shape: () => ({
        method: methodOr('PUT'),
        path: fc
          .oneof(
            { weight: 6, arbitrary: fc.constantFrom('EUR', 'USD', 'JPY') },
            { weight: 2, arbitrary: idArbitrary(['EUR', 'usd']) },
          )
          .map((c) => `/funding-accounts/${c}`),
        query: noQuery(),
        auth: authArbitrary(ledgerKeys),
        body: anyBody(),
      }),
      share: 0.3,
    },
    { service: 'ledger', name: 'GET /health/live', shape: fixed('GET', '/health/live') },
    {
      service: 'ledger',
      name: 'GET /health/ready',
      shape: fixed('GET', '/health/ready'),
      share: 0.3,
    },
    {
      service: 'ledger',
      name: 'GET /metrics',
      shape: fixed('GET', '/metrics'),
      share: 0.5,
      management: true,
    },
    {
      service: 'ledger',
      name: 'unknown routes',
      shape: () => ({
        method: methodOr('GET'),
        path: idArbitrary(['accounts', 'health', 'metrics', 'docs']).map((p) => `/${p}`),
        query: noQuery(),
        auth: authArbitrary(ledgerKeys),
        body: anyBody(),
      }),
      share: 0.5,
      management: true,
    },
  ];

  it.each(endpoints)(`$service $name (seed ${SEED})`, async (endpoint) => {
    const { service, name, shape, share, management } = endpoint;
    const app = service === 'payments' ? payments : ledger;
    const url = management ? app.managementUrl : app.url;
    const numRuns = Math.ceil(RUNS * (share ?? 1));
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(shape()), async (request) => {
        const response = await sendRaw(url, request);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        assertAnswer(request, response);
      }),
      { seed: SEED, numRuns },
    );
    const answered = [...statuses].sort(([a], [b]) => a - b);
    summary.push(`${service} ${name}: ${answered.map(([s, n]) => `${s}×${n}`).join(' ')}`);
    // The requests must not all bounce off the first check: some are served (2xx), so the
    // handlers and the database are reached too.
    const served = answered.filter(([s]) => s < 300).reduce((sum, [, n]) => sum + n, 0);
    expect(served).toBeGreaterThanOrEqual(numRuns / 50);
  });
});

/**
 * Below 500 (readiness answers 503 only while a dependency is down; here both are up), and a
 * 4xx the service wrote carries a machine-readable `code`. Node answers some
 * requests itself, with no body, before any handler sees them: one it cannot parse (no Date
 * header) and an Expect header it does not know (417).
 */
function assertAnswer(request: RawRequest, response: RawResponse): void {
  const fail = (why: string) => {
    const body = response.body.toString('utf8').slice(0, 500);
    throw new Error(
      `${why}: ${request.method} ${request.target.slice(0, 300)} → ${response.status} ${body}`,
    );
  };
  if (response.status >= 500) fail('server error');
  const fromNode =
    response.body.length === 0 && (response.headers.date === undefined || response.status === 417);
  if (response.status < 400 || request.method === 'HEAD' || fromNode) return;
  let code: unknown;
  try {
    code = (JSON.parse(response.body.toString('utf8')) as { code?: unknown }).code;
  } catch {
    fail('an error answer that is not JSON');
  }
  if (typeof code !== 'string' || !/^[A-Z][A-Z_]+$/.test(code))
    fail('an error answer without a code');
}
