import { MAX_AMOUNT } from '#contracts';
import { decideTransfer, type AccountSnapshot } from './decide-transfer.js';

const account = (over: Partial<AccountSnapshot> = {}): AccountSnapshot => ({
  id: 'a',
  currency: 'EUR',
  debitsPosted: 0n,
  creditsPosted: 100n,
  allowNegative: false,
  ...over,
});
const transfer = { debitAccountId: 'a', creditAccountId: 'b', amount: 100n, currency: 'EUR' };

describe('decideTransfer', () => {
  it('settles when the debit account holds the amount', () => {
    expect(decideTransfer(transfer, account(), account({ id: 'b', creditsPosted: 0n }))).toEqual({
      kind: 'settle',
    });
  });

  it('rejects one minor unit short', () => {
    expect(decideTransfer(transfer, account({ debitsPosted: 1n }), account({ id: 'b' }))).toEqual({
      kind: 'reject',
      reason: 'INSUFFICIENT_FUNDS',
    });
  });

  it('lets accounts allowed to go negative pay without funds', () => {
    const funding = account({ creditsPosted: 0n, allowNegative: true });
    expect(decideTransfer(transfer, funding, account({ id: 'b' }))).toEqual({ kind: 'settle' });
  });

  it.each([
    ['debit', undefined, account({ id: 'b' })],
    ['credit', account(), undefined],
  ])('rejects an unknown %s account', (_side, debit, credit) => {
    expect(decideTransfer(transfer, debit, credit)).toEqual({
      kind: 'reject',
      reason: 'UNKNOWN_ACCOUNT',
    });
  });

  it.each([
    ['debit', account({ currency: 'USD' }), account({ id: 'b' })],
    ['credit', account(), account({ id: 'b', currency: 'USD' })],
  ])('rejects a %s account in another currency', (_side, debit, credit) => {
    expect(decideTransfer(transfer, debit, credit)).toEqual({
      kind: 'reject',
      reason: 'CURRENCY_MISMATCH',
    });
  });

  it('refuses a posting that would overflow a bigint total', () => {
    const funding = account({ allowNegative: true, creditsPosted: 0n });
    const full = account({ id: 'b', creditsPosted: MAX_AMOUNT - 50n });
    expect(decideTransfer(transfer, funding, full)).toEqual({
      kind: 'reject',
      reason: 'BALANCE_LIMIT_EXCEEDED',
    });
  });
});
