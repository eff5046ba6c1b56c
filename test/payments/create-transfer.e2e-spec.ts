import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { EventHeaders } from '#contracts';
import { createTestDatabase, type TestDatabase } from '#test-infra';
import {
  paymentsConfig,
  type PaymentsConfig,
} from '../../apps/payments/src/config/payments.config.js';
import { startPaymentsApp, TEST_CLIENT, type PaymentsTestApp } from './payments-app.js';
import {
  connect,
  countRows,
  getTransfer,
  matching,
  postTransfer,
  transferBody,
} from './transfers-api.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('POST /transfers', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let pgClient: pg.Client;
  let config: PaymentsConfig;

  beforeAll(async () => {
    db = await createTestDatabase('create-transfer');
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off' });
    config = payments.app.get<PaymentsConfig>(paymentsConfig.KEY);
    pgClient = await connect(db.url);
  });
  afterAll(async () => {
    await pgClient?.end();
    await payments?.close();
    await db?.drop();
  });

  it('accepts a transfer and writes it with its outbox row in one go', async () => {
    const body = transferBody();
    const idempotencyKey = randomUUID();
    const response = await postTransfer(payments.url, body, {
      idempotencyKey,
      headers: { traceparent: TRACEPARENT },
    });

    expect(response.status).toBe(202);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    const accepted = (await response.json()) as Record<string, string>;
    expect(accepted).toEqual({
      id: matching(/^[0-9a-f-]{36}$/),
      status: 'pending',
      ...body,
      createdAt: matching(ISO_TIMESTAMP),
    });
    const id = accepted.id!;

    const { rows: transfers } = await pgClient.query(
      `select client_id, idempotency_key, request_hash, debit_account_id, credit_account_id,
         amount::text as amount, currency, status, reason, response_body
       from transfers where id = $1`,
      [id],
    );
    expect(transfers).toEqual([
      {
        client_id: TEST_CLIENT,
        idempotency_key: idempotencyKey,
        request_hash: matching(/^[0-9a-f]{64}$/),
        debit_account_id: body.debitAccountId,
        credit_account_id: body.creditAccountId,
        amount: '1050',
        currency: 'EUR',
        status: 'pending',
        reason: null,
        response_body: accepted,
      },
    ]);

    const { rows: outbox } = await pgClient.query(
      `select event_id, topic, key, payload, headers from outbox where event_id = $1`,
      [id],
    );
    expect(outbox).toEqual([
      {
        event_id: id,
        topic: config.topics.transferRequested,
        key: body.debitAccountId,
        payload: {
          type: 'TransferRequested',
          version: 1,
          eventId: id,
          transferId: id,
          debitAccountId: body.debitAccountId,
          creditAccountId: body.creditAccountId,
          amount: '1050',
          currency: 'EUR',
          requestedAt: accepted.createdAt,
        },
        headers: {
          [EventHeaders.eventId]: id,
          [EventHeaders.eventType]: 'TransferRequested',
          [EventHeaders.eventVersion]: '1',
          [EventHeaders.contentType]: 'application/json',
          [EventHeaders.traceparent]: TRACEPARENT,
        },
      },
    ]);
    expect(await countRows(pgClient)).toEqual({ transfers: 1, outbox: 1 });
  });

  it('shows the accepted transfer as pending', async () => {
    const accepted = (await (await postTransfer(payments.url, transferBody())).json()) as {
      id: string;
      createdAt: string;
    };
    const response = await getTransfer(payments.url, accepted.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ...accepted,
      status: 'pending',
      updatedAt: accepted.createdAt,
    });
  });

  it('starts a new trace when the request has no valid traceparent', async () => {
    for (const traceparent of [undefined, 'not-a-traceparent', TRACEPARENT.toUpperCase()]) {
      const response = await postTransfer(payments.url, transferBody(), {
        headers: { traceparent },
      });
      const { id } = (await response.json()) as { id: string };
      const { rows } = await pgClient.query<{ traceparent: string }>(
        `select headers->>'traceparent' as traceparent from outbox where event_id = $1`,
        [id],
      );
      expect(rows[0]?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(rows[0]?.traceparent).not.toBe(TRACEPARENT);
    }
  });

  it('stores account ids in lower case', async () => {
    const debit = randomUUID();
    const credit = randomUUID();
    const response = await postTransfer(
      payments.url,
      transferBody({ debitAccountId: debit.toUpperCase(), creditAccountId: credit.toUpperCase() }),
    );
    expect(response.status).toBe(202);
    const { id, debitAccountId, creditAccountId } = (await response.json()) as Record<
      string,
      string
    >;
    expect([debitAccountId, creditAccountId]).toEqual([debit, credit]);
    const { rows } = await pgClient.query(`select key from outbox where event_id = $1`, [id]);
    expect(rows).toEqual([{ key: debit }]);
  });

  it('accepts the largest amount, 2^63-1', async () => {
    const response = await postTransfer(
      payments.url,
      transferBody({ amount: '9223372036854775807', currency: 'JPY' }),
    );
    expect(response.status).toBe(202);
    const { id, amount } = (await response.json()) as Record<string, string>;
    expect(amount).toBe('9223372036854775807');
    const { rows } = await pgClient.query(
      `select amount::text as amount from transfers where id = $1`,
      [id],
    );
    expect(rows).toEqual([{ amount: '9223372036854775807' }]);
    expect(await (await getTransfer(payments.url, id!)).json()).toMatchObject({
      amount: '9223372036854775807',
    });
  });
});
