import { ValidationFailedError } from '../../errors/request-errors.js';
import { parseListTransfersQuery } from './list-transfers.request.js';
import { encodeCursor } from '../../http/page-cursor.js';

const position = {
  createdAtMicros: '1764600000123456',
  id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
};

function fieldsRefused(query: unknown): string[] {
  try {
    parseListTransfersQuery(query);
  } catch (error) {
    if (error instanceof ValidationFailedError) return (error.details ?? []).map((d) => d.field);
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('parseListTransfersQuery', () => {
  it('lists every status, 100 at a time, from the start, by default', () => {
    expect(parseListTransfersQuery({})).toEqual({
      statuses: ['pending', 'completed', 'rejected'],
      limit: 100,
    });
  });

  it('reads every parameter', () => {
    expect(
      parseListTransfersQuery({
        status: 'pending',
        olderThanSeconds: '60',
        limit: '500',
        cursor: encodeCursor(position),
      }),
    ).toEqual({ statuses: ['pending'], olderThanSeconds: 60, limit: 500, after: position });
  });

  it.each([
    ['olderThanSeconds', '0'],
    ['olderThanSeconds', '315360000'],
    ['limit', '1'],
  ])('accepts %s=%s', (name, value) => {
    expect(() => parseListTransfersQuery({ [name]: value })).not.toThrow();
  });

  it.each([
    ['status', 'PENDING'],
    ['status', 'settled'],
    ['status', ''],
    ['status', ['pending', 'completed']],
    ['olderThanSeconds', '-1'],
    ['olderThanSeconds', '1.5'],
    ['olderThanSeconds', '1e3'],
    ['olderThanSeconds', ' 5'],
    ['olderThanSeconds', '0x10'],
    ['olderThanSeconds', ''],
    ['olderThanSeconds', '315360001'],
    ['olderThanSeconds', '99999999999999999999'],
    ['olderThanSeconds', ['1', '2']],
    ['limit', '0'],
    ['limit', '501'],
    ['limit', '１２'],
    ['cursor', ''],
    ['cursor', 'not-a-cursor'],
    ['cursor', Buffer.from(`99999999999999999999:${position.id}`).toString('base64url')],
    ['cursor', [encodeCursor(position), encodeCursor(position)]],
  ])('refuses %s=%j, naming it', (name, value) => {
    expect(fieldsRefused({ [name]: value })).toEqual([name]);
  });

  it('refuses unknown parameters by name', () => {
    expect(fieldsRefused({ olderThan: '60', 'status[]': 'pending' }).sort()).toEqual([
      'olderThan',
      'status[]',
    ]);
  });

  it('refuses a __proto__ parameter of a null-prototype query object', () => {
    const query = Object.assign(Object.create(null) as object, { ['__proto__']: '1' });
    expect(fieldsRefused(query)).toEqual(['__proto__']);
  });
});
