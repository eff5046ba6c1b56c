/**
 * Published by payments (through its outbox) when it accepts a transfer. Version 1.
 * Kafka record: key = `debitAccountId` (one account's transfers stay in one partition, in
 * order); value = this object as JSON; headers: see `EventHeaders`.
 */
export interface TransferRequestedV1 {
  type: 'TransferRequested';
  version: 1;
  /** Unique per event; equal to `transferId`, so the ledger's inbox can deduplicate on it. */
  eventId: string;
  /** The transfer id payments generated when it accepted the request (UUID). */
  transferId: string;
  /** Account whose balance decreases (UUID). */
  debitAccountId: string;
  /** Account whose balance increases (UUID). */
  creditAccountId: string;
  /** Integer amount in minor units (e.g. cents), as a decimal string: 1 ≤ amount ≤ 2^63-1. */
  amount: string;
  /** ISO 4217 currency code, upper case. */
  currency: string;
  /** When payments accepted the transfer (ISO 8601, UTC). */
  requestedAt: string;
}

export const TRANSFER_REQUESTED = 'TransferRequested';
