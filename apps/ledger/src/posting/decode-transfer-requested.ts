import { transferRequestedV1Schema, type TransferRequestedV1 } from '#contracts';
import { decodeJsonRecord } from '#kafka-eos';

/**
 * Parses a `TransferRequested` record value with the event's one schema (libs/contracts), the
 * one payments encodes with. Anything else (not JSON, another version, invalid fields) is a
 * poison record: it can never be applied, so it goes to the dead-letter topic.
 */
export function decodeTransferRequested(value: Buffer | null): TransferRequestedV1 {
  return decodeJsonRecord(value, transferRequestedV1Schema, 'TransferRequested v1');
}
