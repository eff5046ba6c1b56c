import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who owns which account. The ledger holds balances and postings; payments holds ownership,
 * so that accepting a transfer can check, in its own database, that the caller owns the account
 * it debits and that the credited account exists. Ownership never changes and an account is
 * never deleted, so the check needs no lock.
 *
 * `accounts_by_client`: `GET /accounts` lists one client's accounts page by page (keyset on
 * created_at, id).
 */
export class CreateAccounts1796400000000 implements MigrationInterface {
  name = 'CreateAccounts1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table accounts (
        id uuid primary key,
        client_id text not null,
        currency char(3) not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index accounts_by_client on accounts (client_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table accounts`);
  }
}
