import { CURRENCY_CODES, isCurrencyCode } from './currency-codes.js';

/** List one codes that are funds, precious metals or units of account: ICU knows no such codes. */
const NOT_MONEY_IN_ICU = new Set(
  'BOV CHE CHW CLF COU MXV USN UYI UYW VED XAG XAU XBA XBB XBC XBD XPD XPT XUA'.split(' '),
);

describe('currency codes', () => {
  it('are unique, sorted, three upper-case letters', () => {
    expect(CURRENCY_CODES.every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
    expect([...CURRENCY_CODES].sort()).toEqual(CURRENCY_CODES);
    expect(new Set(CURRENCY_CODES).size).toBe(CURRENCY_CODES.length);
  });

  it('hold no typo: every national currency is one ICU knows', () => {
    const icu = new Set(Intl.supportedValuesOf('currency'));
    const unknown = CURRENCY_CODES.filter((c) => !icu.has(c) && !NOT_MONEY_IN_ICU.has(c));
    expect(unknown).toEqual([]);
  });

  it.each(['USD', 'EUR', 'JPY', 'GBP', 'CHF', 'XCG', 'ZWG', 'SLE', 'VES'])('accepts %s', (code) => {
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each([
    'usd',
    'Usd',
    'XYZ',
    'USDT',
    'US',
    '',
    ' USD',
    'XXX',
    'XTS',
    'HRK',
    'ANG',
    'ZWL',
    'BGN',
  ])('rejects %j', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });
});
