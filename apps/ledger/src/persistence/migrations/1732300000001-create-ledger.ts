import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Double-entry ledger. An account's balance is credits_posted - debits_posted; a transfer debits
 * one account and credits another by the same amount, so the sum of all balances is always 0.
 * Accounts allowed to go negative (funding accounts) are where money enters the ledger.
 * `inbox` records every applied event id once, with the result published for it.
 */
export class CreateLedger1732300000001 implements MigrationInterface {
  name = 'CreateLedger1732300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table accounts (
        id uuid primary key,
        currency char(3) not null,
        debits_posted bigint not null default 0 check (debits_posted >= 0),
        credits_posted bigint not null default 0 check (credits_posted >= 0),
        allow_negative boolean not null default false,
        is_funding boolean not null default false,
        created_at timestamptz not null default now(),
        constraint accounts_no_overdraft check (allow_negative or credits_posted >= debits_posted)
      )`);
    await q.query(
      `create unique index accounts_one_funding_per_currency on accounts (currency) where is_funding`,
    );
    await q.query(`
      create table entries (
        id bigint generated always as identity primary key,
        transfer_id uuid not null,
        account_id uuid not null references accounts (id),
        direction text not null check (direction in ('debit', 'credit')),
        amount bigint not null check (amount > 0),
        created_at timestamptz not null default now(),
        constraint entries_once_per_side unique (transfer_id, direction)
      )`);
    await q.query(`create index entries_by_account on entries (account_id, id)`);
    await q.query(`
      create table inbox (
        event_id uuid primary key,
        result jsonb,
        received_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table inbox`);
    await q.query(`drop table entries`);
    await q.query(`drop table accounts`);
  }
}
