import type { JwtClaims } from '../database/database';

/**
 * PostgREST's JWT cache (since v12, as Supabase runs it): a token that verified is not verified
 * again until its `exp`, because checking a signature costs more than the rest of a small request.
 * Only tokens that verified and carry `exp` are kept; an expired one is dropped and verified again
 * (so it is refused as before). At most `maxEntries`, least recently used dropped first.
 */
export function cachedJwtVerifier(
  verify: (token: string) => Promise<JwtClaims>,
  opts: { maxEntries?: number; now?: () => number } = {},
): (token: string) => Promise<JwtClaims> {
  const maxEntries = opts.maxEntries ?? 1000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { claims: JwtClaims; expiresAtMs: number }>();
  return async (token) => {
    const hit = cache.get(token);
    if (hit) {
      cache.delete(token);
      if (hit.expiresAtMs > now()) {
        cache.set(token, hit); // most recently used last
        return { ...hit.claims };
      }
    }
    const claims = await verify(token);
    if (typeof claims.exp === 'number') {
      cache.set(token, { claims: { ...claims }, expiresAtMs: claims.exp * 1000 });
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    }
    return claims;
  };
}
