/**
 * Verifies a channel's access token with the server's verifier and words failures as Supabase
 * Realtime does: join replies carry `"<Code>: <message>"`, shutdowns carry the message alone.
 */
import type { JwtClaims } from '../database/database';

export type TokenCheck =
  | { ok: true; claims: JwtClaims; expiresAtMs: number | null }
  | { ok: false; code: string; message: string };

/** Reads the payload without trusting it: only to explain why verification failed. */
function unverifiedExp(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

export async function checkAccessToken(
  token: string,
  verifyJwt: (token: string) => Promise<JwtClaims>,
  nowMs: number = Date.now(),
): Promise<TokenCheck> {
  if (token.split('.').length !== 3) {
    return { ok: false, code: 'MalformedJWT', message: 'The token provided is not a valid JWT' };
  }
  let claims: JwtClaims;
  try {
    claims = await verifyJwt(token);
  } catch (err) {
    const exp = unverifiedExp(token);
    if (exp !== undefined && exp * 1000 <= nowMs) {
      return { ok: false, code: 'InvalidJWTToken', message: `Token has expired ${Math.floor(nowMs / 1000 - exp)} seconds ago` };
    }
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, code: 'JwtSignatureError', message: `Failed to validate JWT signature (${why})` };
  }
  if (typeof claims.role !== 'string' || claims.role.length === 0) {
    return { ok: false, code: 'InvalidJWTToken', message: 'Fields `role` and `exp` are required in JWT' };
  }
  const exp = claims.exp;
  if (typeof exp === 'number' && exp * 1000 <= nowMs) {
    return { ok: false, code: 'InvalidJWTToken', message: `Token has expired ${Math.floor(nowMs / 1000 - exp)} seconds ago` };
  }
  return { ok: true, claims, expiresAtMs: typeof exp === 'number' ? exp * 1000 : null };
}
