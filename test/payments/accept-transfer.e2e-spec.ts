import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import { encodeOutboxMessage } from '../../apps/payments/src/outbox/encode-outbox-message.js';
import { paymentsDataSourceOptions } from '../../apps/payments/src/persistence/payments-data-source.js';
import {
  acceptTransfer,
  type NewTransferRow,
} from '../../apps/payments/src/transfers/create-transfer/accept-transfer.js';
import { transferRequestedMessage } from '../../apps/payments/src/transfers/create-transfer/transfer-requested.message.js';
import { recordAccountOwners } from '../support/account-owners.js';

const CLIENT = 'client-a';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/**
 * The one statement that accepts a transfer, against a real PostgreSQL: the account check, the
 * transfer row and its outbox row are all written or none is, whatever fails.
 */
describe('acceptTransfer (one statement)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const mine = randomUUID();
  const theirs = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase('accept-transfer');
    dataSource = new DataSource(paymentsDataSourceOptions(db.url, 8));
    await dataSource.initialize();
    await recordAccountOwners(db.url, [mine], CLIENT, 'EUR');
    await recordAccountOwners(db.url, [theirs], 'client-b', 'EUR');
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  function newTransfer(debitAccountId: string, creditAccountId: string, key = randomUUID()) {
    const id = randomUUID();
    const transfer = {
      id,
      status: 'pending' as const,
      debitAccountId,
      creditAccountId,
      amount: '100',
      currency: 'EUR' as const,
      createdAt: new Date().toISOString(),
    };
    const row: NewTransferRow = {
      clientId: CLIENT,
      idempotencyKey: key,
      requestHash: 'h'.repeat(64),
      transfer,
    };
    const outbox = encodeOutboxMessage(transferRequestedMessage(transfer, 'topic', TRACEPARENT));
    return { id, row, outbox };
  }

  async function rowsOf(id: string): Promise<{ transfers: number; outbox: number }> {
    const [counts] = await dataSource.query<Array<{ transfers: number; outbox: number }>>(
      `select (select count(*) from transfers where id = $1)::int as transfers,
              (select count(*) from outbox where event_id = $1)::int as outbox`,
      [id],
    );
    return counts ?? { transfers: -1, outbox: -1 };
  }

  it('writes the transfer and its outbox row when the client owns the debited account', async () => {
    const { id, row, outbox } = newTransfer(mine, theirs);
    const outcome = await acceptTransfer(dataSource, row, outbox, 'owner-and-credit');
    expect(outcome).toEqual({ debitOwned: true, creditExists: true, accepted: true });
    expect(await rowsOf(id)).toEqual({ transfers: 1, outbox: 1 });
  });

  it("writes nothing when the debited account is another client's or does not exist", async () => {
    for (const debit of [theirs, randomUUID()]) {
      const { id, row, outbox } = newTransfer(debit, mine);
      const outcome = await acceptTransfer(dataSource, row, outbox, 'owner-and-credit');
      expect(outcome).toEqual({ debitOwned: false, creditExists: true, accepted: false });
      expect(await rowsOf(id)).toEqual({ transfers: 0, outbox: 0 });
    }
  });

  it('writes nothing when the credited account does not exist', async () => {
    const { id, row, outbox } = newTransfer(mine, randomUUID());
    const outcome = await acceptTransfer(dataSource, row, outbox, 'owner-and-credit');
    expect(outcome).toEqual({ debitOwned: true, creditExists: false, accepted: false });
    expect(await rowsOf(id)).toEqual({ transfers: 0, outbox: 0 });
  });

  it('skips the check when told to (a funding: its debit is the ledger funding account)', async () => {
    const { id, row, outbox } = newTransfer(randomUUID(), mine);
    const outcome = await acceptTransfer(dataSource, row, outbox, 'none');
    expect(outcome.accepted).toBe(true);
    expect(await rowsOf(id)).toEqual({ transfers: 1, outbox: 1 });
  });

  it('accepts one of many concurrent writes with one key, and writes one outbox row', async () => {
    const key = randomUUID();
    const attempts = Array.from({ length: 20 }, () => newTransfer(mine, theirs, key));
    const outcomes = await Promise.all(
      attempts.map(({ row, outbox }) =>
        acceptTransfer(dataSource, row, outbox, 'owner-and-credit'),
      ),
    );
    expect(outcomes.filter((o) => o.accepted)).toHaveLength(1);
    const [counts] = await dataSource.query<Array<{ transfers: number; outbox: number }>>(
      `select (select count(*) from transfers where idempotency_key = $1)::int as transfers,
              (select count(*) from outbox where event_id = any($2::uuid[]))::int as outbox`,
      [key, attempts.map((a) => a.id)],
    );
    expect(counts).toEqual({ transfers: 1, outbox: 1 });
  });

  it('leaves no transfer row when its outbox row cannot be written', async () => {
    const { id, row, outbox } = newTransfer(mine, theirs);
    // A forged outbox row holding the event's id: the statement's outbox insert fails on
    // event_id's unique constraint after its transfer insert has run.
    await dataSource.query(
      `insert into outbox (event_id, topic, key, payload) values ($1, 'x', 'x', '{}')`,
      [id],
    );
    await expect(acceptTransfer(dataSource, row, outbox, 'owner-and-credit')).rejects.toThrow(
      /outbox_event_id_key|duplicate key/,
    );
    expect(await rowsOf(id)).toEqual({ transfers: 0, outbox: 1 });
  });
});
