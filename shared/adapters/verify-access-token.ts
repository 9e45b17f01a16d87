import { jwtVerify, createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthError } from '../domain/errors';
import { isUuid } from '../domain/keys';
import type { AccessTokenVerifier, SignedInUser } from '../ports/access-token-verifier';

/** The audience Supabase Auth gives a signed-in user's access token (anonymous guests' included). */
export const SUPABASE_USER_AUDIENCE = 'authenticated';

export interface AccessTokenVerifierOptions {
  /** `iss` every token must carry: `${SUPABASE_URL}/auth/v1` (config.supabase.issuer), so another project's tokens are refused. */
  issuer: string;
  /** `aud` every token must carry; default `authenticated`. */
  audience?: string;
  /** The project's JWT secret, for HS256 access tokens (legacy and local). */
  jwtSecret?: string;
  /** `${SUPABASE_URL}/auth/v1/.well-known/jwks.json`, for asymmetric (ES256/RS256) access tokens. */
  jwksUrl?: string;
  /** Injected in tests; defaults to jose's cached remote key set for `jwksUrl`. */
  jwks?: JWTVerifyGetKey;
}

function notAUser(payload: JWTPayload): AuthError {
  return new AuthError(`a signed-in user's access token is required (this token's role is ${JSON.stringify(payload.role ?? null)})`);
}

/**
 * Verifies a Supabase access token and returns the signed-in user. Supabase signs access tokens
 * either with the project's HS256 secret or with asymmetric keys published as a JWKS; both are
 * accepted, with the project's issuer and the `authenticated` audience as Supabase Auth writes them.
 * The anon and service-role keys are JWTs too, but they are not users: refused.
 */
export function createAccessTokenVerifier(opts: AccessTokenVerifierOptions): AccessTokenVerifier {
  const secret = opts.jwtSecret ? new TextEncoder().encode(opts.jwtSecret) : undefined;
  const jwks = opts.jwks ?? (opts.jwksUrl ? createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 }) : undefined);

  const claims = { issuer: opts.issuer, audience: opts.audience ?? SUPABASE_USER_AUDIENCE };

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
        ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], ...claims }));
      } else if (alg === 'ES256' || alg === 'RS256') {
        if (!jwks) throw new AuthError(`${alg} access tokens are not accepted by this deployment`);
        ({ payload } = await jwtVerify(token, jwks, { algorithms: ['ES256', 'RS256'], ...claims }));
      } else {
        throw new AuthError(`access tokens signed with ${String(alg)} are not accepted`);
      }
    } catch (err) {
      if (err instanceof AuthError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw new AuthError('the access token has expired: sign in again', { cause: err });
      const claim = (err as { claim?: string }).claim;
      // Claims are checked after the signature: a validly signed key (anon, service role) is named as such.
      const signed = (err as { payload?: JWTPayload }).payload;
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && signed && signed.role !== 'authenticated') throw notAUser(signed);
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'iss') {
        throw new AuthError('the access token was not issued by this project’s Supabase Auth (iss)', { cause: err });
      }
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'aud') {
        throw new AuthError(`the access token is not for signed-in users (aud must be "${claims.audience}")`, { cause: err });
      }
      throw new AuthError('the access token is invalid (bad signature or claims)', { cause: err });
    }
    if (payload.role !== 'authenticated') throw notAUser(payload);
    if (typeof payload.exp !== 'number') throw new AuthError('the access token has no expiry');
    if (!isUuid(payload.sub)) throw new AuthError('the access token names no user (sub)');
    return {
      userId: payload.sub,
      email: typeof payload.email === 'string' ? payload.email : undefined,
      isAnonymous: payload.is_anonymous === true,
    };
  };
}
