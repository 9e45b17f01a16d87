import { jwtVerify, createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthError } from '../domain/errors';
import { isUuid } from '../domain/keys';
import type { AccessTokenVerifier, SignedInUser } from '../ports/access-token-verifier';

export interface AccessTokenVerifierOptions {
  /** The project's JWT secret, for HS256 access tokens (legacy and local). */
  jwtSecret?: string;
  /** `${SUPABASE_URL}/auth/v1/.well-known/jwks.json`, for asymmetric (ES256/RS256) access tokens. */
  jwksUrl?: string;
  /** Injected in tests; defaults to jose's cached remote key set for `jwksUrl`. */
  jwks?: JWTVerifyGetKey;
}

/**
 * Verifies a Supabase access token and returns the signed-in user. Supabase signs access tokens
 * either with the project's HS256 secret or with asymmetric keys published as a JWKS; both are
 * accepted. The anon and service-role keys are JWTs too, but they are not users: refused.
 */
export function createAccessTokenVerifier(opts: AccessTokenVerifierOptions): AccessTokenVerifier {
  const secret = opts.jwtSecret ? new TextEncoder().encode(opts.jwtSecret) : undefined;
  const jwks = opts.jwks ?? (opts.jwksUrl ? createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 }) : undefined);

  return async (token: string) => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthError('the access token is not a JWT');
    }
    let payload: JWTPayload;
    try {
      if (alg === 'HS256') {
        if (!secret) throw new AuthError('HS256 access tokens are not accepted by this deployment');
        ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] }));
      } else if (alg === 'ES256' || alg === 'RS256') {
        if (!jwks) throw new AuthError(`${alg} access tokens are not accepted by this deployment`);
        ({ payload } = await jwtVerify(token, jwks, { algorithms: ['ES256', 'RS256'] }));
      } else {
        throw new AuthError(`access tokens signed with ${String(alg)} are not accepted`);
      }
    } catch (err) {
      if (err instanceof AuthError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw new AuthError('the access token has expired: sign in again', { cause: err });
      throw new AuthError('the access token is invalid (bad signature or claims)', { cause: err });
    }
    if (payload.role !== 'authenticated') {
      throw new AuthError(`a signed-in user's access token is required (this token's role is ${JSON.stringify(payload.role ?? null)})`);
    }
    if (typeof payload.exp !== 'number') throw new AuthError('the access token has no expiry');
    if (!isUuid(payload.sub)) throw new AuthError('the access token names no user (sub)');
    return {
      userId: payload.sub,
      email: typeof payload.email === 'string' ? payload.email : undefined,
      isAnonymous: payload.is_anonymous === true,
    };
  };
}
