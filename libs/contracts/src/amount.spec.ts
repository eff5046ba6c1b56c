import { isValidAmount, MAX_AMOUNT } from './amount.js';

describe('isValidAmount', () => {
  it.each(['1', '9', '10', '1050', '9223372036854775807'])('accepts %j', (amount) => {
    expect(isValidAmount(amount)).toBe(true);
  });

  it.each([
    '',
    '0',
    '00',
    '-0',
    '-1',
    '+1',
    '007',
    '1.5',
    '1.0',
    '1e3',
    ' 5',
    '5 ',
    '0x10',
    '1_000',
    '１２３', // full-width digits
    '9223372036854775808', // 2^63
    '18446744073709551616', // 2^64
    '9'.repeat(1_000),
  ])('rejects %j', (amount) => {
    expect(isValidAmount(amount)).toBe(false);
  });

  it('is bounded by 2^63-1', () => {
    expect(MAX_AMOUNT.toString()).toBe('9223372036854775807');
  });
});
