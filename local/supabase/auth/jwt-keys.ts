import { randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, errors, type JWK, type JWTPayload } from 'jose';
import type { JwtClaims } from '../database/database';

export type AccessTokenAlgorithm = 'HS256' | 'ES256';

/** Why a token was refused: PostgREST answers PGRST303 to `expired`, PGRST301 to the rest. */
export class JwtError extends Error {
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JwtError';
  }
}

/** The ES256 key pair as stored beside a persisted database (private JWK includes `d`). */
export interface StoredEcKey {
  kid: string;
  privateJwk: JWK;
}

export interface JwtKeys {
  readonly algorithm: AccessTokenAlgorithm;
  /** Signs user access tokens with the configured algorithm (ES256 carries `kid` in its header). */
  signAccessToken(claims: JwtClaims, expiresInSeconds: number): Promise<string>;
  /** Long-lived API keys (anon, service_role) are always HS256 with the shared secret, as in Supabase. */
  signApiKey(role: 'anon' | 'service_role'): Promise<string>;
  /** Verifies HS256 (secret) or ES256 (our key) tokens; refuses `none` and anything else. */
  verifyJwt(token: string): Promise<JwtClaims>;
  /** What `GET /auth/v1/.well-known/jwks.json` publishes: the ES256 public key, or nothing. */
  jwks(): { keys: JWK[] };
  /** The EC key to persist so tokens survive a restart. */
  readonly ecKey: StoredEcKey;
}

const TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600;

export async function generateEcKey(): Promise<StoredEcKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid: randomUUID(), privateJwk: await exportJWK(privateKey) };
}

export async function createJwtKeys(opts: { secret: string; algorithm: AccessTokenAlgorithm; ecKey: StoredEcKey }): Promise<JwtKeys> {
  const secret = new TextEncoder().encode(opts.secret);
  const { kid } = opts.ecKey;
  const ecPrivate = await importJWK({ ...opts.ecKey.privateJwk, alg: 'ES256' }, 'ES256');
  const { d: _private, ...publicJwk } = opts.ecKey.privateJwk;
  const publicKeyJwk: JWK = { ...publicJwk, kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] };
  const ecPublic = await importJWK({ ...publicJwk, alg: 'ES256' }, 'ES256');

  const sign = (payload: JWTPayload, alg: AccessTokenAlgorithm, expiresIn: number): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(payload).setIssuedAt(now).setExpirationTime(now + expiresIn);
    return alg === 'HS256'
      ? jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret)
      : jwt.setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid }).sign(ecPrivate);
  };

  return {
    algorithm: opts.algorithm,
    ecKey: opts.ecKey,
    signAccessToken: (claims, expiresIn) => sign(claims as JWTPayload, opts.algorithm, expiresIn),
    signApiKey: (role) => sign({ iss: 'supabase-local', role }, 'HS256', TEN_YEARS_SECONDS),
    jwks: () => ({ keys: opts.algorithm === 'ES256' ? [publicKeyJwk] : [] }),
    verifyJwt: async (token) => {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch (err) {
        throw new JwtError('invalid', 'JWT could not be decoded: expected three base64url parts', { cause: err });
      }
      if (alg !== 'HS256' && alg !== 'ES256') throw new JwtError('invalid', `JWT algorithm must be HS256 or ES256, received ${JSON.stringify(alg)}`);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, alg === 'HS256' ? secret : ecPublic, { algorithms: [alg] }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new JwtError('expired', 'JWT expired', { cause: err });
        throw new JwtError('invalid', `JWT invalid: ${(err as Error).message}`, { cause: err });
      }
      if (typeof payload.role !== 'string') throw new JwtError('invalid', 'JWT invalid: claim "role" must be a string');
      return payload as JwtClaims;
    },
  };
}
