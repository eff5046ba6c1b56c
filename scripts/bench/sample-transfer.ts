import { randomUUID } from 'node:crypto';
import type { OutboxMessage } from '../../apps/payments/src/outbox/outbox-message.js';
import { transferRequestedMessage } from '../../apps/payments/src/transfers/create-transfer/transfer-requested.message.js';
import type { AcceptedTransfer } from '../../apps/payments/src/transfers/transfer.response.js';

/** Accounts cycle through a few, as real traffic concentrates on some accounts. */
export const SAMPLE_DEBIT_ACCOUNTS = Array.from({ length: 64 }, () => randomUUID());
export const SAMPLE_CREDIT_ACCOUNTS = Array.from({ length: 64 }, () => randomUUID());

export function sampleTransfer(index: number): AcceptedTransfer {
  return {
    id: randomUUID(),
    status: 'pending',
    debitAccountId: SAMPLE_DEBIT_ACCOUNTS[index % 64] ?? randomUUID(),
    creditAccountId: SAMPLE_CREDIT_ACCOUNTS[(index * 7) % 64] ?? randomUUID(),
    amount: String(100 + (index % 10_000)),
    currency: 'EUR',
    createdAt: new Date().toISOString(),
  };
}

/** The outbox row the API writes for a transfer (about 300 bytes of payload). */
export function sampleMessage(index: number, topic: string): OutboxMessage {
  const traceparent = `00-${randomUUID().replaceAll('-', '')}-${'0'.repeat(15)}1-01`;
  return transferRequestedMessage(sampleTransfer(index), topic, traceparent);
}
