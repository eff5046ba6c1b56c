import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { TEST_ADMIN_KEY } from '../support/service-credentials.js';
import { PipelineFixture, PIPELINE_API_KEY } from './pipeline-fixture.js';

/**
 * Money enters through the operator's door only, once per Idempotency-Key: fundings are
 * ordinary transfers through the outbox, the relay and the ledger, from the currency's funding
 * account, and the books still sum to zero.
 */
describe('funding through the admin API', () => {
  let fx: PipelineFixture;

  beforeAll(async () => {
    fx = await PipelineFixture.create('funding');
    await fx.startLedger();
    await fx.startPayments();
  });
  afterAll(async () => {
    await fx?.close();
  });

  const request = async (
    key: string,
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ) => {
    const response = await fetch(`${fx.paymentsUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(idempotencyKey && { 'idempotency-key': idempotencyKey }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const transferRows = async (clientId: string): Promise<number> => {
    const client = new pg.Client({ connectionString: fx.paymentsDb.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from transfers where client_id = $1`,
        [clientId],
      );
      return rows[0]?.n ?? -1;
    } finally {
      await client.end();
    }
  };

  it('funds once for many concurrent requests with one key, and refuses the key with another body', async () => {
    const account = await fx.openAccount();
    const key = randomUUID();
    const funding = { accountId: account, amount: '2500', currency: 'EUR' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(TEST_ADMIN_KEY, 'POST', '/admin/fundings', funding, key),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const reused = await request(
      TEST_ADMIN_KEY,
      'POST',
      '/admin/fundings',
      { ...funding, amount: '2501' },
      key,
    );
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await transferRows('admin:test-operator')).toBe(1);

    const id = String(answers[0]?.body.id);
    const [final] = await fx.waitForFinalAs(TEST_ADMIN_KEY, '/admin/fundings/', [id]);
    expect(final).toMatchObject({ status: 'completed', creditAccountId: account, amount: '2500' });

    // The client sees the money once, from one entry, through its own API.
    const seen = await request(PIPELINE_API_KEY, 'GET', `/accounts/${account}`);
    expect(seen).toMatchObject({ status: 200, body: { id: account, balance: '2500' } });
    const entries = await request(PIPELINE_API_KEY, 'GET', `/accounts/${account}/entries`);
    expect(entries.body.entries).toEqual([
      expect.objectContaining({ transferId: id, direction: 'credit', amount: '2500' }),
    ]);
    expect(await fx.ledgerInvariants()).toMatchObject({ totalBalance: '0', entriesNotPaired: 0 });
  });

  it('refuses a funding of an unknown account or in another currency, writing nothing', async () => {
    const account = await fx.openAccount();
    const before = await transferRows('admin:test-operator');
    const unknown = await request(
      TEST_ADMIN_KEY,
      'POST',
      '/admin/fundings',
      { accountId: randomUUID(), amount: '1', currency: 'EUR' },
      randomUUID(),
    );
    const otherCurrency = await request(
      TEST_ADMIN_KEY,
      'POST',
      '/admin/fundings',
      { accountId: account, amount: '1', currency: 'USD' },
      randomUUID(),
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    expect([otherCurrency.status, otherCurrency.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await transferRows('admin:test-operator')).toBe(before);
  });

  it('lets a client spend funded money, and never below zero', async () => {
    const payer = await fx.openAccount(1_000n);
    const payee = await fx.openAccount();
    const paid = await fx.postTransfer(payer, payee, 600n);
    const overdrawn = await fx.postTransfer(payer, payee, 600n);
    const [first, second] = await fx.waitForFinal([paid.id, overdrawn.id]);
    expect([first?.status, second?.status]).toEqual(['completed', 'rejected']);
    expect(second?.reason).toBe('INSUFFICIENT_FUNDS');
    expect([await fx.balance(payer), await fx.balance(payee)]).toEqual([400n, 600n]);
  });
});
