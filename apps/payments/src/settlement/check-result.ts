import { PoisonRecordError } from '#kafka-eos';
import type { SettledTerms, Settlement } from './decode-transfer-result.js';

/** A stored transfer's terms, as `transfers` holds them. */
export interface StoredTerms extends SettledTerms {
  id: string;
}

/**
 * The fields in which a result disagrees with the transfer it names (none: it may be applied).
 * A `TransferSettled` must repeat the transfer's accounts, amount and currency exactly: the
 * ledger copies them from the request, so any difference means the record was not written by
 * the ledger for this transfer (forged, or a bug), and applying it would report money moved
 * that was not. A rejection carries no terms to compare.
 */
export function mismatchedFields(result: Settlement, stored: StoredTerms): string[] {
  const terms = result.terms;
  if (!terms) return [];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return (['debitAccountId', 'creditAccountId', 'amount', 'currency'] as const).filter(
    (field) => !same(terms[field], stored[field]),
  );
}

/** A result that contradicts its stored transfer: never applied, dead-lettered at once. */
export class MismatchedResultError extends PoisonRecordError {
  constructor(
    readonly transferId: string,
    readonly fields: string[],
  ) {
    super(`result for transfer ${transferId} does not match it: ${fields.join(', ')} differ`);
  }
}
