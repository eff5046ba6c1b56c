import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transfers and the transactional outbox.
 *
 * `outbox.xid` records the writing transaction's id (`pg_current_xact_id()`). The relay reads
 * only rows whose transaction id is below the oldest transaction still running
 * (`pg_snapshot_xmin(pg_current_snapshot())`): those transactions have all ended, so no row can
 * still appear before the ones read, even when transactions commit out of id order.
 */
export class CreateTransfersAndOutbox1732300000000 implements MigrationInterface {
  name = 'CreateTransfersAndOutbox1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table transfers (
        id uuid primary key,
        client_id text not null,
        idempotency_key text not null,
        request_hash text not null,
        debit_account_id uuid not null,
        credit_account_id uuid not null,
        amount bigint not null check (amount > 0),
        currency char(3) not null,
        status text not null default 'pending' check (status in ('pending', 'completed', 'rejected')),
        reason text,
        response_body jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint transfers_idempotency_key unique (client_id, idempotency_key),
        constraint transfers_distinct_accounts check (debit_account_id <> credit_account_id)
      )`);
    await q.query(`
      create table outbox (
        id bigint generated always as identity primary key,
        xid xid8 not null default pg_current_xact_id(),
        event_id uuid not null unique,
        topic text not null,
        key text not null,
        payload jsonb not null,
        headers jsonb not null default '{}',
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index outbox_commit_order on outbox (xid, id)`);
    // NOTIFY is delivered when the inserting transaction commits: it wakes the relay. Polling
    // remains the fallback (a notification can be missed while the relay reconnects).
    await q.query(`
      create function outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('outbox', '');
        return null;
      end $$`);
    await q.query(`
      create trigger outbox_notify after insert on outbox
      for each statement execute function outbox_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger outbox_notify on outbox`);
    await q.query(`drop function outbox_notify()`);
    await q.query(`drop table outbox`);
    await q.query(`drop table transfers`);
  }
}
