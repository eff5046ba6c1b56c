import { createHash } from 'node:crypto';
import type { CreateTransferRequest } from './create-transfer.request.js';

/**
 * SHA-256 (hex) of the canonical JSON of a validated request: a retry with the same meaning has
 * the same hash whatever its key order or UUID case, so only a real change is refused.
 */
export function requestHash(request: CreateTransferRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/** JSON with object keys sorted at every level and no insignificant whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}
