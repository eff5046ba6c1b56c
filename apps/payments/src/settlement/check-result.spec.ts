import { mismatchedFields, type StoredTerms } from './check-result.js';
import type { Settlement } from './decode-transfer-result.js';

const stored: StoredTerms = {
  id: '0b8f5e4a-4c1e-4d5f-9a57-1f0a3c2b6d10',
  debitAccountId: '5a0c7f8e-2b9d-4e31-8c4a-6f1d2e3b4a50',
  creditAccountId: '7c1d8e9f-3a0b-4c42-9d5b-7e2f3a4b5c60',
  amount: '1500',
  currency: 'EUR',
};
const settled = (terms: Partial<StoredTerms> = {}): Settlement => ({
  transferId: stored.id,
  status: 'completed',
  reason: null,
  terms: { ...stored, ...terms },
});

describe('mismatchedFields', () => {
  it('finds nothing in a result that repeats the transfer (ids in any case)', () => {
    expect(mismatchedFields(settled(), stored)).toEqual([]);
    expect(
      mismatchedFields(settled({ debitAccountId: stored.debitAccountId.toUpperCase() }), stored),
    ).toEqual([]);
  });

  it.each([
    [{ amount: '1501' }, ['amount']],
    [{ currency: 'USD' }, ['currency']],
    [
      { debitAccountId: stored.creditAccountId, creditAccountId: stored.debitAccountId },
      ['debitAccountId', 'creditAccountId'],
    ],
  ])('names the fields that differ: %j', (change, fields) => {
    expect(mismatchedFields(settled(change), stored)).toEqual(fields);
  });

  it('has nothing to compare in a rejection', () => {
    expect(
      mismatchedFields(
        { transferId: stored.id, status: 'rejected', reason: 'INSUFFICIENT_FUNDS' },
        stored,
      ),
    ).toEqual([]);
  });
});
