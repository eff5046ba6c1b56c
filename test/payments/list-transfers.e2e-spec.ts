import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, TEST_API_KEY, type PaymentsTestApp } from './payments-app.js';
import {
  anyString,
  connect,
  OTHER_API_KEY,
  postTransfer,
  transferBody,
  TWO_CLIENTS_API_KEYS,
} from './transfers-api.js';

interface Page {
  transfers: Array<{ id: string; status: string; createdAt: string; reason?: string }>;
  nextCursor: string | null;
}

describe('GET /transfers', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let pgClient: pg.Client;
  /** The test client's transfers, in the order the listing must show them. */
  let ours: Array<{ id: string; status: string; old: boolean }>;
  let theirs: string[];
  const idsWhere = (keep: (t: { status: string; old: boolean }) => boolean = () => true) =>
    ours.filter(keep).map((t) => t.id);

  const list = async (query: string, apiKey = TEST_API_KEY): Promise<[number, Page]> => {
    const response = await fetch(`${payments.url}/transfers${query}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    return [response.status, (await response.json()) as Page];
  };
  const ids = (page: Page): string[] => page.transfers.map((t) => t.id);

  /** Every page of a listing, following nextCursor. */
  async function allPages(query: string): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const separator = query === '' ? '?' : '&';
      const [status, page] = await list(
        cursor === null ? query : `${query}${separator}cursor=${cursor}`,
      );
      expect(status).toBe(200);
      pages.push(ids(page));
      cursor = page.nextCursor;
      if (pages.length > 20) throw new Error('more pages than transfers');
    } while (cursor !== null);
    return pages;
  }

  async function create(apiKey: string): Promise<string> {
    const response = await postTransfer(payments.url, transferBody(), { apiKey });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  const setRow = (id: string, set: string, ...values: unknown[]) =>
    pgClient.query(`update transfers set ${set} where id = $1`, [id, ...values]);

  beforeAll(async () => {
    db = await createTestDatabase('list-transfers');
    // No relay and no settlement: transfers stay pending unless the test settles them.
    payments = await startPaymentsApp(db.url, {
      RELAY_MODE: 'off',
      SETTLEMENT_ENABLED: 'false',
      API_KEYS: TWO_CLIENTS_API_KEYS,
    });
    pgClient = await connect(db.url);

    const created: string[] = [];
    for (let i = 0; i < 9; i++) created.push(await create(TEST_API_KEY));
    theirs = [await create(OTHER_API_KEY), await create(OTHER_API_KEY)];
    // Old ones, backdated: three share one instant and two follow it a microsecond apart, so
    // page boundaries between them test the cursor's tie-break (by id) and its precision.
    const old: Array<[string, string]> = [
      ['2026-01-01T00:00:00.000000Z', 'pending'],
      ['2026-01-01T00:00:00.000000Z', 'completed'],
      ['2026-01-01T00:00:00.000000Z', 'pending'],
      ['2026-01-01T00:00:00.000001Z', 'rejected'],
      ['2026-01-01T00:00:00.000002Z', 'pending'],
      ['2026-01-01T00:00:01.500000Z', 'completed'],
    ];
    const backdated = old.map(([createdAt, status], i) => ({ id: created[i]!, createdAt, status }));
    for (const { id, createdAt, status } of backdated) {
      await setRow(id, `created_at = $2, status = $3`, createdAt, status);
    }
    await setRow(backdated[3]!.id, `reason = 'INSUFFICIENT_FUNDS'`);
    const tied = backdated.slice(0, 3).sort((a, b) => a.id.localeCompare(b.id));
    ours = [
      ...[...tied, ...backdated.slice(3)].map(({ id, status }) => ({ id, status, old: true })),
      // The last three stay pending and new.
      ...created.slice(6).map((id) => ({ id, status: 'pending', old: false })),
    ];
  });
  afterAll(async () => {
    await pgClient?.end();
    await payments?.close();
    await db?.drop();
  });

  it("lists only the caller's own transfers, oldest first, with their fields", async () => {
    const [status, page] = await list('');
    expect(status).toBe(200);
    expect(ids(page)).toEqual(idsWhere());
    expect(page.nextCursor).toBeNull();
    expect(page.transfers[3]).toEqual({
      id: ours[3]!.id,
      status: 'rejected',
      reason: 'INSUFFICIENT_FUNDS',
      debitAccountId: anyString,
      creditAccountId: anyString,
      amount: '1050',
      currency: 'EUR',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: anyString,
    });

    const [otherStatus, other] = await list('', OTHER_API_KEY);
    expect(otherStatus).toBe(200);
    expect(ids(other).sort()).toEqual([...theirs].sort());
    const [, otherOld] = await list('?olderThanSeconds=3600', OTHER_API_KEY);
    expect(ids(otherOld)).toEqual([]);
  });

  it.each(['pending', 'completed', 'rejected'])('filters by status %s', async (status) => {
    const [code, page] = await list(`?status=${status}`);
    expect(code).toBe(200);
    expect(ids(page)).toEqual(idsWhere((t) => t.status === status));
  });

  it('filters by age: olderThanSeconds leaves out the young transfers', async () => {
    const [, old] = await list('?olderThanSeconds=3600');
    expect(ids(old)).toEqual(idsWhere((t) => t.old));
    const [, stuck] = await list('?status=pending&olderThanSeconds=3600');
    expect(ids(stuck)).toEqual(idsWhere((t) => t.old && t.status === 'pending'));
    const [, all] = await list('?olderThanSeconds=0');
    expect(ids(all)).toEqual(idsWhere());
  });

  it.each([1, 2, 4, 8])(
    'pages through every transfer %i at a time, without repeats or gaps',
    async (limit) => {
      const pages = await allPages(`?limit=${limit}`);
      expect(pages.flat()).toEqual(idsWhere());
      expect(pages.map((page) => page.length)).toEqual(pageSizes(ours.length, limit));
    },
  );

  it('pages through one status with a filter on age', async () => {
    const pages = await allPages('?status=pending&olderThanSeconds=60&limit=1');
    expect(pages.flat()).toEqual(idsWhere((t) => t.old && t.status === 'pending'));
  });

  it('answers 401 UNAUTHENTICATED without an API key', async () => {
    const response = await fetch(`${payments.url}/transfers?status=pending`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  const forged = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['status=PENDING', 'status'],
    ['status=settled', 'status'],
    ['status=pending&status=completed', 'status'],
    ['status[]=pending', 'status[]'],
    ['status[a]=pending', 'status[a]'],
    ['olderThanSeconds=-1', 'olderThanSeconds'],
    ['olderThanSeconds=1.5', 'olderThanSeconds'],
    ['olderThanSeconds=1e3', 'olderThanSeconds'],
    ['olderThanSeconds=', 'olderThanSeconds'],
    ['olderThanSeconds=99999999999999999999', 'olderThanSeconds'],
    ['olderThanSeconds=315360001', 'olderThanSeconds'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=', 'cursor'],
    ['cursor=%zz', 'cursor'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${forged('99999999999999999999:3f2504e0-4f89-41d3-9a0c-0305e82c3301')}`, 'cursor'],
    [`cursor=${forged('1:not-a-uuid')}`, 'cursor'],
    ['olderThan=60', 'olderThan'],
    ['__proto__=1', '__proto__'],
  ])('answers 400 VALIDATION_FAILED for ?%s, naming %s', async (query, field) => {
    const response = await fetch(`${payments.url}/transfers?${query}`, {
      headers: { 'x-api-key': TEST_API_KEY },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details?: Array<{ field: string }> };
    expect(body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: anyString,
      details: [{ field, message: anyString }],
    });
  });

  /** A full page of `limit` until the last; a last page that would be empty is not sent. */
  function pageSizes(total: number, limit: number): number[] {
    return Array.from({ length: Math.ceil(total / limit) }, (_, i) =>
      Math.min(limit, total - i * limit),
    );
  }
});
