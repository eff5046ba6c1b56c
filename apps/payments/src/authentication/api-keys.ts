import type { IncomingHttpHeaders } from 'node:http';
import { bearerCredential, secretMatcher } from '#config';

/**
 * Returns a function that finds the client id of an API key (`apiKeys`: key → client id), in
 * constant time per configured key (see `secretMatcher`).
 */
export function apiKeyLookup(
  apiKeys: ReadonlyMap<string, string>,
): (presentedKey: string) => string | undefined {
  return secretMatcher(apiKeys);
}

/** The key of `Authorization: Bearer <key>`, or else of `X-API-Key: <key>`. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  return (
    bearerCredential(headers.authorization) ??
    (typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined)
  );
}
