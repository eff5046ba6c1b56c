import { ValidationFailedError } from '../../errors/request-errors.js';
import { IdempotencyKeyMissingError } from '../transfer.errors.js';
import { parseIdempotencyKey } from './idempotency-key.js';

describe('parseIdempotencyKey', () => {
  it.each(['k', '3f2504e0-4f89-41d3-9a0c-0305e82c3301', 'order 42 / try #1 ~', 'k'.repeat(255)])(
    'accepts %j',
    (key) => {
      expect(parseIdempotencyKey(key)).toBe(key);
    },
  );

  it.each([undefined, ''])('treats %j as missing', (header) => {
    expect(() => parseIdempotencyKey(header)).toThrow(IdempotencyKeyMissingError);
  });

  it.each(['k'.repeat(256), 'a\tb', 'caf\u00e9', 'a\u0000b', ['a', 'b']])(
    'refuses %j',
    (header) => {
      expect(() => parseIdempotencyKey(header)).toThrow(ValidationFailedError);
    },
  );
});
