import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Returns a function that finds the value (a client id, a role) of a presented secret among
 * `secrets` (secret → value). Secrets are compared as SHA-256 digests with `timingSafeEqual`:
 * digests have one length, so the comparison neither fails fast on a length mismatch nor reveals
 * how long a secret is, and every configured secret is compared so the time taken does not tell
 * which one came close.
 */
export function secretMatcher<V>(
  secrets: ReadonlyMap<string, V>,
): (presented: string | undefined) => V | undefined {
  const entries = [...secrets].map(([secret, value]) => ({ digest: sha256(secret), value }));
  return (presented) => {
    if (presented === undefined) return undefined;
    const digest = sha256(presented);
    let found: V | undefined;
    for (const entry of entries) {
      if (timingSafeEqual(entry.digest, digest)) found = entry.value;
    }
    return found;
  };
}

/** The credential of `Authorization: Bearer <credential>`; the scheme is case-insensitive (RFC 9110, 11.1). */
export function bearerCredential(authorization: string | undefined): string | undefined {
  return /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
