import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Returns a function that finds the client id of an API key (`apiKeys`: key → client id).
 * Keys are compared as SHA-256 digests with `timingSafeEqual`: digests have one length, so the
 * comparison neither fails fast on a length mismatch nor reveals how long a key is, and every
 * configured key is compared so the time taken does not tell which one came close.
 */
export function apiKeyLookup(
  apiKeys: ReadonlyMap<string, string>,
): (presentedKey: string) => string | undefined {
  const entries = [...apiKeys].map(([key, clientId]) => ({ digest: sha256(key), clientId }));
  return (presentedKey) => {
    const digest = sha256(presentedKey);
    let clientId: string | undefined;
    for (const entry of entries) {
      if (timingSafeEqual(entry.digest, digest)) clientId = entry.clientId;
    }
    return clientId;
  };
}

/** The key of `Authorization: Bearer <key>`, or else of `X-API-Key: <key>`. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  // The auth scheme is case-insensitive (RFC 9110, section 11.1).
  const bearer = /^Bearer +(\S+)$/i.exec(headers.authorization ?? '')?.[1];
  const apiKey = headers['x-api-key'];
  return bearer ?? (typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
