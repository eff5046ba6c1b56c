import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { CurrencyCode } from '#contracts';
import { AccountsRepository } from '../../apps/ledger/src/accounts/accounts.repository.js';
import { applyTransfers } from '../../apps/ledger/src/posting/apply-transfer.js';

/**
 * Funds an account directly in a ledger database, for tests of the ledger alone (no payments
 * to fund through): the ledger's own code posts an ordinary transfer from the currency's
 * funding account, so the books still sum to zero. With payments running, tests fund through
 * `POST /admin/fundings` like an operator.
 */
export async function fundInLedger(
  databaseUrl: string,
  accountId: string,
  currency: CurrencyCode,
  amount: bigint,
): Promise<void> {
  const db = await new DataSource({ type: 'postgres', url: databaseUrl, poolSize: 1 }).initialize();
  try {
    const fundingId = await new AccountsRepository(db).fundingAccount(currency);
    const transferId = randomUUID();
    const [result] = await applyTransfers(db, [
      {
        type: 'TransferRequested',
        version: 1,
        eventId: transferId,
        transferId,
        debitAccountId: fundingId,
        creditAccountId: accountId,
        amount: amount.toString(),
        currency,
        requestedAt: new Date().toISOString(),
      },
    ]);
    if (result?.type !== 'TransferSettled') {
      throw new Error(`funding ${accountId} was rejected: ${JSON.stringify(result)}`);
    }
  } finally {
    await db.destroy();
  }
}
