import type { DataSource } from 'typeorm';
import {
  EventHeaders,
  isUuid,
  type TransferRejectionReason,
  type TransferResultV1,
} from '#contracts';
import type { InputRecord } from '#kafka-eos';

/**
 * The transfer a record the ledger cannot apply is about, when it can still be told: the
 * `event-id` header the outbox sets (the transfer id), or else the `transferId` (or `eventId`) of
 * a value that is at least a JSON object. The key is the debit account, not the transfer.
 */
export function recoverTransferId(record: InputRecord): string | undefined {
  const header = record.headers[EventHeaders.eventId];
  if (header && isUuid(header)) return header.toLowerCase();
  let value: unknown;
  try {
    value = JSON.parse(record.value?.toString('utf8') ?? '');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { transferId, eventId } = value as { transferId?: unknown; eventId?: unknown };
  for (const candidate of [transferId, eventId]) {
    if (typeof candidate === 'string' && isUuid(candidate)) return candidate.toLowerCase();
  }
  return undefined;
}

/**
 * Decides a transfer the ledger cannot apply: rejected with `reason`, stored in the inbox like
 * any other decision, so that the transfer has exactly one result whatever comes later (a
 * redelivery, a valid request with the same id, a replay from the dead-letter topic: each gets
 * this stored answer, and nothing is ever posted for it). If the transfer was decided before
 * (applied, then its record failed afterwards), that earlier result is returned instead.
 */
export async function rejectUnapplicable(
  db: DataSource,
  transferId: string,
  reason: TransferRejectionReason,
  now = new Date(),
): Promise<TransferResultV1> {
  const rejection: TransferResultV1 = {
    type: 'TransferRejected',
    version: 1,
    eventId: transferId,
    transferId,
    reason,
    rejectedAt: now.toISOString(),
  };
  return db.transaction(async (tx) => {
    await tx.query(`insert into inbox (event_id, result) values ($1, $2) on conflict do nothing`, [
      transferId,
      JSON.stringify(rejection),
    ]);
    const [row] = await tx.query<Array<{ result: TransferResultV1 | null }>>(
      `select result from inbox where event_id = $1`,
      [transferId],
    );
    if (!row?.result) throw new Error(`inbox entry ${transferId} has no stored result`);
    return row.result;
  });
}
