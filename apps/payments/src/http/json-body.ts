import { UnsupportedMediaTypeError } from '../errors/request-errors.js';

/** The largest request body: a transfer takes a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Refuses a body that is not declared as JSON. The JSON parser skips such bodies (leaving no
 * body at all), so without this check a form or text body would look like an empty one.
 */
export function requireJsonContentType(header: string | undefined): void {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw new UnsupportedMediaTypeError();
}
