import { toInputRecord } from './records.js';

describe('toInputRecord', () => {
  it('flattens headers to strings: the first of a repeated header, none for an undefined one', () => {
    const record = toInputRecord('t', 2, {
      offset: '7',
      key: Buffer.from('acct-1'),
      value: Buffer.from('{}'),
      timestamp: '1700000000000',
      headers: {
        'event-id': Buffer.from('e1'),
        trace: 'abc',
        repeated: [Buffer.from('first'), 'second'],
        absent: undefined,
      },
    });
    expect(record).toEqual({
      topic: 't',
      partition: 2,
      offset: '7',
      key: 'acct-1',
      value: Buffer.from('{}'),
      headers: { 'event-id': 'e1', trace: 'abc', repeated: 'first' },
      timestamp: '1700000000000',
    });
  });

  it('gives a null key and no headers for a bare record', () => {
    const record = toInputRecord('t', 0, { offset: '0', value: null, timestamp: '0' });
    expect(record).toMatchObject({ key: null, value: null, headers: {} });
  });
});
