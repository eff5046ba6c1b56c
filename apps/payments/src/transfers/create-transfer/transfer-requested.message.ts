import { EventHeaders, TRANSFER_REQUESTED, transferRequestedV1Schema } from '#contracts';
import type { OutboxMessage } from '../../outbox/outbox-message.js';
import type { AcceptedTransfer } from '../transfer.response.js';

/**
 * The outbox row announcing an accepted transfer. The transfer id is the event id, so the
 * ledger can deduplicate on it; the key is the debit account, so one account's transfers land
 * in one partition, in order. The payload is encoded with the event's schema, the one the ledger
 * decodes with: a transfer the API accepted but the ledger could not read would never settle.
 */
export function transferRequestedMessage(
  transfer: AcceptedTransfer,
  topic: string,
  traceparent: string,
): OutboxMessage {
  const payload = transferRequestedV1Schema.parse({
    type: TRANSFER_REQUESTED,
    version: 1,
    eventId: transfer.id,
    transferId: transfer.id,
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: transfer.amount,
    currency: transfer.currency,
    requestedAt: transfer.createdAt,
  });
  return {
    eventId: transfer.id,
    topic,
    key: transfer.debitAccountId,
    payload,
    headers: {
      [EventHeaders.eventId]: transfer.id,
      [EventHeaders.eventType]: TRANSFER_REQUESTED,
      [EventHeaders.eventVersion]: '1',
      [EventHeaders.contentType]: 'application/json',
      [EventHeaders.traceparent]: traceparent,
    },
  };
}
