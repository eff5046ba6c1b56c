import { decodePosition, encodePosition, START_POSITION } from './relay-position.js';

describe('relay position', () => {
  it('round-trips through offset and metadata', () => {
    const position = { xid: '18446744073709551615', id: '42', published: 1234n };
    const { offset, metadata } = encodePosition(position);
    expect(decodePosition(offset, metadata)).toEqual(position);
  });

  it('starts at the beginning when nothing was committed', () => {
    expect(decodePosition('-1', '')).toEqual(START_POSITION);
    expect(decodePosition('-1', null)).toEqual(START_POSITION);
  });

  it('refuses metadata it cannot read rather than guessing', () => {
    expect(() => decodePosition('5', '{"xid":5}')).toThrow(/unreadable/);
  });
});
