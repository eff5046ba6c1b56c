import { ValidationFailedError } from '../../errors/request-errors.js';
import { IdempotencyKeyMissingError } from '../transfer.errors.js';

/** 1 to 255 printable ASCII characters: room for a UUID or a client's own composite key. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** The `Idempotency-Key` header; an empty one counts as missing. */
export function parseIdempotencyKey(header: string | string[] | undefined): string {
  if (header === undefined || header === '') throw new IdempotencyKeyMissingError();
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw new ValidationFailedError([
      { field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
    ]);
  }
  return header;
}
