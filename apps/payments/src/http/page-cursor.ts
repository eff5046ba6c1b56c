/**
 * Where a page of a listing (`GET /transfers`, `GET /accounts`) ends: its last row's `created_at` (in microseconds since
 * the epoch, PostgreSQL's precision, as digits) and id, in the listing's order. Opaque to clients:
 * base64url of `<micros>:<id>`. It holds no secret and grants nothing: a made-up cursor that
 * decodes to a position only moves where the caller's own listing starts.
 */
export interface PageCursor {
  createdAtMicros: string;
  id: string;
}

/** Up to 16 digits: microseconds until the year 2286, so the value fits a bigint with room. */
const CURSOR_TEXT =
  /^(0|[1-9][0-9]{0,15}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,100}$/;

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.createdAtMicros}:${cursor.id}`).toString('base64url');
}

/**
 * The position a cursor names, or undefined for anything `encodeCursor` does not write: Node's
 * base64 decoder skips characters it does not know, so the text is checked before and after.
 */
export function decodeCursor(value: string): PageCursor | undefined {
  if (!BASE64URL.test(value)) return undefined;
  const match = CURSOR_TEXT.exec(Buffer.from(value, 'base64url').toString('latin1'));
  if (!match) return undefined;
  const cursor = { createdAtMicros: match[1]!, id: match[2]! };
  // One spelling per position (no padding or stray low bits): a cursor is ours or refused.
  return encodeCursor(cursor) === value ? cursor : undefined;
}
