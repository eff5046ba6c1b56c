import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for finding transfers that stay pending.
 *
 * - `transfers_pending_by_age`: only pending rows (a small set while settlement keeps up), by
 *   age. The metrics read the oldest one and count those past the alert threshold from it at
 *   every scrape.
 * - `transfers_by_client_status`: `GET /transfers` lists one client's transfers of one status,
 *   oldest first, page after page (keyset on created_at, id), as a range scan of this index.
 *
 * Built `concurrently`, outside a transaction: on a table that already holds transfers, a plain
 * `create index` would block accepting new ones until it is done.
 */
export class IndexTransfersByStatus1796153812123 implements MigrationInterface {
  name = 'IndexTransfersByStatus1796153812123';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create index concurrently transfers_pending_by_age on transfers (created_at)
      where status = 'pending'`);
    await q.query(`
      create index concurrently transfers_by_client_status
      on transfers (client_id, status, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index concurrently transfers_by_client_status`);
    await q.query(`drop index concurrently transfers_pending_by_age`);
  }
}
