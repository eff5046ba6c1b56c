import { PoisonRecordError } from '#kafka-eos';
import { decodeTransferRequested } from './decode-transfer-requested.js';

const valid = {
  type: 'TransferRequested',
  version: 1,
  eventId: '0b5a3c1e-8f1d-4c55-9a51-8e3f1b2c4d5e',
  transferId: '0b5a3c1e-8f1d-4c55-9a51-8e3f1b2c4d5e',
  debitAccountId: '1c6b4d2f-9a2e-4d66-8b62-9f4a2c3d5e6f',
  creditAccountId: '2d7c5e3a-0b3f-4e77-9c73-0a5b3d4e6f70',
  amount: '1250',
  currency: 'EUR',
  requestedAt: '2026-11-23T10:00:00.000Z',
};
const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodeTransferRequested', () => {
  it('accepts a TransferRequested v1', () => {
    expect(decodeTransferRequested(encode(valid))).toEqual(valid);
  });

  it.each([
    ['not JSON', Buffer.from('{"type":'), /not JSON/],
    ['an empty value', null, /not JSON/],
    ['another version', encode({ ...valid, version: 2 }), /version/],
    ['a fractional amount', encode({ ...valid, amount: '1.5' }), /amount/],
    ['an amount above 2^63-1', encode({ ...valid, amount: '9223372036854775808' }), /amount/],
    [
      'the same account on both sides',
      encode({ ...valid, creditAccountId: valid.debitAccountId }),
      /same/,
    ],
  ])('treats %s as a poison record', (_what, value, message) => {
    const decode = () => decodeTransferRequested(value);
    expect(decode).toThrow(PoisonRecordError);
    expect(decode).toThrow(message);
  });
});
