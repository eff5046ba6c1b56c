import { decodeCursor, encodeCursor } from './page-cursor.js';

const position = {
  createdAtMicros: '1764600000123456',
  id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
};
const cursorOf = (text: string): string => Buffer.from(text).toString('base64url');

describe('transfer cursor', () => {
  it('decodes what it encodes', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor(encodeCursor({ ...position, createdAtMicros: '0' }))).toEqual({
      ...position,
      createdAtMicros: '0',
    });
  });

  it.each([
    ['empty', ''],
    ['not base64url', '!!!'],
    ['standard base64 with padding', Buffer.from(`1:${position.id}`).toString('base64')],
    ['over 100 characters', 'A'.repeat(101)],
    ['no separator', cursorOf(position.id)],
    ['20-digit time', cursorOf(`99999999999999999999:${position.id}`)],
    ['17-digit time', cursorOf(`10000000000000000:${position.id}`)],
    ['negative time', cursorOf(`-1:${position.id}`)],
    ['fractional time', cursorOf(`1.5:${position.id}`)],
    ['leading zero', cursorOf(`01:${position.id}`)],
    ['upper-case id', cursorOf(`1:${position.id.toUpperCase()}`)],
    ['not a UUID', cursorOf('1:not-a-uuid')],
    ['trailing text', cursorOf(`1:${position.id}x`)],
    ['a NUL byte', cursorOf(`1:${position.id}\u0000`)],
    ['JSON', cursorOf(JSON.stringify(position))],
  ])('refuses %s', (_, value) => {
    expect(decodeCursor(value)).toBeUndefined();
  });

  it('refuses a second spelling of the same bytes', () => {
    const cursor = encodeCursor(position);
    // The last character carries unused low bits; changing them decodes to the same text.
    const last = cursor.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const forged = cursor.slice(0, -1) + sibling;
    expect(Buffer.from(forged, 'base64url').equals(Buffer.from(cursor, 'base64url'))).toBe(true);
    expect(decodeCursor(forged)).toBeUndefined();
  });
});
