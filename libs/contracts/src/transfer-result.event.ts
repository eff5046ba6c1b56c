/** Why the ledger refused a transfer. */
export type TransferRejectionReason =
  'INSUFFICIENT_FUNDS' | 'UNKNOWN_ACCOUNT' | 'CURRENCY_MISMATCH' | 'BALANCE_LIMIT_EXCEEDED';

/**
 * Published by the ledger when it posted a transfer. Version 1.
 * Kafka record: key = `transferId`; headers: see `EventHeaders`.
 */
export interface TransferSettledV1 {
  type: 'TransferSettled';
  version: 1;
  /** Unique per event; equal to `transferId` (a transfer has exactly one result). */
  eventId: string;
  /** The transfer this result is for (the id payments generated). */
  transferId: string;
  debitAccountId: string;
  creditAccountId: string;
  /** Integer amount in minor units, as a decimal string. */
  amount: string;
  /** ISO 4217 currency code. */
  currency: string;
  /** When the ledger applied the postings (ISO 8601, UTC). */
  settledAt: string;
}

/**
 * Published by the ledger when it refused a transfer; nothing was posted. Version 1.
 * Kafka record: key = `transferId`.
 */
export interface TransferRejectedV1 {
  type: 'TransferRejected';
  version: 1;
  /** Unique per event; equal to `transferId`. */
  eventId: string;
  /** The transfer this result is for. */
  transferId: string;
  /** Machine-readable reason. */
  reason: TransferRejectionReason;
  /** When the ledger decided (ISO 8601, UTC). */
  rejectedAt: string;
}

export type TransferResultV1 = TransferSettledV1 | TransferRejectedV1;
