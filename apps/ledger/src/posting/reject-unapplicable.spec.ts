import type { InputRecord } from '#kafka-eos';
import { recoverTransferId } from './reject-unapplicable.js';

const ID = '0b5a3c1e-8f1d-4c55-9a51-8e3f1b2c4d5e';
const OTHER = '1c6b4d2f-9a2e-4d66-8b62-9f4a2c3d5e6f';
const record = (value: string | null, headers: Record<string, string> = {}): InputRecord => ({
  topic: 't',
  partition: 0,
  offset: '0',
  key: OTHER, // the debit account: never taken for the transfer
  value: value === null ? null : Buffer.from(value),
  headers,
  timestamp: '0',
});

describe('recoverTransferId', () => {
  it.each([
    ['the event-id header', record('{', { 'event-id': ID.toUpperCase() })],
    [
      'the header before the value',
      record(JSON.stringify({ transferId: OTHER }), { 'event-id': ID }),
    ],
    ["the value's transferId", record(JSON.stringify({ transferId: ID, amount: 'x' }))],
    ["the value's eventId", record(JSON.stringify({ eventId: ID }))],
    [
      'a header that is not a UUID, then the value',
      record(JSON.stringify({ transferId: ID }), { 'event-id': 'x' }),
    ],
  ])('takes %s', (_what, input) => {
    expect(recoverTransferId(input)).toBe(ID);
  });

  it.each([
    ['no value and no header', record(null)],
    ['a value that is not JSON', record('not json')],
    ['a JSON value that is not an object', record('"0b5a3c1e-8f1d-4c55-9a51-8e3f1b2c4d5e"')],
    ['ids that are not UUIDs', record(JSON.stringify({ transferId: 42, eventId: 'abc' }))],
  ])('finds none in %s', (_what, input) => {
    expect(recoverTransferId(input)).toBeUndefined();
  });
});
