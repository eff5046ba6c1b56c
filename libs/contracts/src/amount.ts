/** The largest amount: the ledger and the `transfers.amount` column are signed 64-bit (`bigint`). */
export const MAX_AMOUNT = 2n ** 63n - 1n;

/** Digits only, no sign, no leading zero: one spelling per number, so request hashes agree. */
export const AMOUNT_DIGITS = /^[1-9][0-9]*$/;

/**
 * True for a positive integer amount in minor units written as canonical decimal digits, at most
 * 2^63-1. Compared as BigInt: a JavaScript number loses precision above 2^53.
 */
export function isValidAmount(amount: string): boolean {
  return (
    AMOUNT_DIGITS.test(amount) &&
    amount.length <= MAX_AMOUNT.toString().length &&
    BigInt(amount) <= MAX_AMOUNT
  );
}
