import { describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair, exportJWK, createLocalJWKSet } from 'jose';
import { createAccessTokenVerifier } from '../../../shared/adapters/verify-access-token';

const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
const USER = '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f';
const key = new TextEncoder().encode(SECRET);
/** As Supabase Auth issues them: iss `${SUPABASE_URL}/auth/v1`, aud `authenticated`. */
const ISSUER = 'https://abcdefghijklmnop.supabase.co/auth/v1';
const AS_ISSUED = { iss: ISSUER, aud: 'authenticated' };

function hs256(claims: Record<string, unknown>, expiresIn: string | number = '1h') {
  return new SignJWT({ ...AS_ISSUED, ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(key);
}

describe('access token verification', () => {
  const verify = createAccessTokenVerifier({ jwtSecret: SECRET, issuer: ISSUER });

  it('accepts a signed-in user, anonymous ones included', async () => {
    await expect(verify(await hs256({ sub: USER, role: 'authenticated', email: 'a@b.c' }))).resolves.toEqual({ userId: USER, email: 'a@b.c', isAnonymous: false });
    await expect(verify(await hs256({ sub: USER, role: 'authenticated', is_anonymous: true }))).resolves.toMatchObject({ isAnonymous: true });
  });

  it('refuses the anon and service-role keys: they are not users', async () => {
    await expect(verify(await hs256({ role: 'anon' }))).rejects.toThrow(`a signed-in user's access token is required (this token's role is "anon")`);
    await expect(verify(await hs256({ role: 'service_role' }))).rejects.toThrow(/role is "service_role"/);
  });

  it('refuses expired, forged, unsigned and malformed tokens', async () => {
    await expect(verify(await hs256({ sub: USER, role: 'authenticated' }, Math.floor(Date.now() / 1000) - 10))).rejects.toThrow('the access token has expired: sign in again');
    const forged = await new SignJWT({ sub: USER, role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    await expect(verify(forged)).rejects.toThrow('the access token is invalid (bad signature or claims)');
    const [h, p] = (await hs256({ sub: USER, role: 'authenticated' })).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`;
    await expect(verify(none)).rejects.toThrow('access tokens signed with none are not accepted');
    await expect(verify(`${h}.${p}`)).rejects.toThrow();
    await expect(verify('garbage')).rejects.toThrow('the access token is not a JWT');
    await expect(verify(await hs256({ role: 'authenticated', sub: 'not-a-uuid' }))).rejects.toThrow('the access token names no user (sub)');
  });

  it('refuses a token of another project (iss) or not meant for signed-in users (aud), however well signed', async () => {
    await expect(verify(await hs256({ sub: USER, role: 'authenticated', iss: 'https://anotherproject.supabase.co/auth/v1' }))).rejects.toThrow(
      'the access token was not issued by this project’s Supabase Auth (iss)',
    );
    await expect(verify(await hs256({ sub: USER, role: 'authenticated', iss: undefined }))).rejects.toThrow(/\(iss\)$/);
    await expect(verify(await hs256({ sub: USER, role: 'authenticated', aud: 'anon' }))).rejects.toThrow('the access token is not for signed-in users (aud must be "authenticated")');
    await expect(verify(await hs256({ sub: USER, role: 'authenticated', aud: undefined }))).rejects.toThrow(/\(aud must be "authenticated"\)$/);
    await expect(verify(await hs256({ sub: USER, role: 'authenticated', aud: ['authenticated', 'other'] }))).resolves.toMatchObject({ userId: USER });
  });

  it('accepts asymmetric tokens from the project JWKS', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const verifyEs = createAccessTokenVerifier({ jwks: createLocalJWKSet({ keys: [jwk] }), issuer: ISSUER });
    const token = await new SignJWT({ ...AS_ISSUED, sub: USER, role: 'authenticated' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime('1h').sign(privateKey);
    await expect(verifyEs(token)).resolves.toMatchObject({ userId: USER });
    // Without a secret configured, HS256 tokens are refused rather than trusted.
    await expect(verifyEs(await hs256({ sub: USER, role: 'authenticated' }))).rejects.toThrow('HS256 access tokens are not accepted by this deployment');
  });
});
