import { randomUUID } from 'node:crypto';
import { ValidationFailedError } from '../../errors/request-errors.js';
import { parseCreateTransferRequest } from './create-transfer.request.js';

const debit = randomUUID();
const credit = randomUUID();
const valid = { debitAccountId: debit, creditAccountId: credit, amount: '1050', currency: 'EUR' };

function detailsOf(body: unknown): { field: string; message: string }[] {
  try {
    parseCreateTransferRequest(body);
  } catch (error) {
    if (error instanceof ValidationFailedError) return error.details ?? [];
    throw error;
  }
  throw new Error('expected a ValidationFailedError');
}

describe('parseCreateTransferRequest', () => {
  it('accepts a valid body and lower-cases the account ids', () => {
    const upper = { ...valid, debitAccountId: debit.toUpperCase() };
    expect(parseCreateTransferRequest(upper)).toEqual(valid);
  });

  it('names every invalid field at once', () => {
    const details = detailsOf({ debitAccountId: 'x', amount: 5, currency: 'usd', memo: 'rent' });
    expect(details.map((d) => d.field)).toEqual([
      'debitAccountId',
      'creditAccountId',
      'amount',
      'currency',
      'memo',
    ]);
    const [debit, credit, amount, currency, memo] = details.map((d) => d.message);
    expect(debit).toBe('must be a UUID');
    expect(credit).toBe('is required');
    expect(amount).toMatch(/^must be a string of digits/);
    expect(currency).toMatch(/^must be an active ISO 4217 code in upper case/);
    expect(memo).toBe('is not a known field');
  });

  it('tells a malformed amount from one too large', () => {
    const [malformed] = detailsOf({ ...valid, amount: '-5' });
    expect(malformed?.message).toMatch(/^must be a positive whole number of minor units/);
    expect(detailsOf({ ...valid, amount: '9223372036854775808' })).toEqual([
      { field: 'amount', message: 'must be at most 9223372036854775807 (2^63-1)' },
    ]);
  });

  it('refuses the same account on both sides, whatever its case', () => {
    expect(detailsOf({ ...valid, creditAccountId: debit.toUpperCase() })).toEqual([
      { field: 'creditAccountId', message: 'must differ from debitAccountId' },
    ]);
  });

  it.each([null, [], 'transfer', 42])('refuses %j as the body', (body) => {
    expect(detailsOf(body)).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });
});
