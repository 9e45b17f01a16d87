import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { signInUser, startTestStack } from '../helpers/local-stack';

/**
 * A Supabase project with asymmetric JWT keys: the local Supabase signs access tokens with ES256 and
 * publishes its key at /auth/v1/.well-known/jwks.json; `POST /uploads` verifies through that URL.
 * (HS256 tokens: no token, expired, forged, anon and service keys are in test/handlers/api.test.ts.)
 */

let stack: LocalStack;
let user: Awaited<ReturnType<typeof signInUser>>;
const body = JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: 2048 });

beforeAll(async () => {
  ({ stack } = await startTestStack({ accessTokenAlgorithm: 'ES256' }));
  user = await signInUser(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const post = (token: string) =>
  fetch(stack.info.uploadsUrl, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

async function publishedKid(): Promise<string> {
  const jwks = (await (await fetch(stack.supabase.jwksUrl)).json()) as { keys: Array<{ kid: string; alg?: string }> };
  expect(jwks.keys.length).toBeGreaterThan(0);
  return jwks.keys[0]!.kid;
}

describe('POST /uploads with ES256 access tokens', () => {
  it('accepts a signed-in user’s ES256 token', async () => {
    expect(decodeProtectedHeader(user.accessToken).alg).toBe('ES256');
    const res = await post(user.accessToken);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { key: string }).key.startsWith(`images/${user.userId}/`)).toBe(true);
  });

  it('refuses an ES256 token signed with another key under the published key id', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    expect((await exportJWK(publicKey)).kty).toBe('EC');
    const forged = await new SignJWT({ sub: user.userId, role: 'authenticated' })
      .setProtectedHeader({ alg: 'ES256', kid: await publishedKid() })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const res = await post(forged);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('the access token is invalid') } });
  });

  it('refuses the real token with its claims changed (role, user) and its signature kept', async () => {
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, sub: '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f' })).toString('base64url');
    expect((await post(`${header}.${tampered}.${signature}`)).status).toBe(401);
  });

  it('refuses unsigned tokens and algorithm confusion (HS256 keyed with the public JWK)', async () => {
    const claims = { sub: user.userId, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600 };
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect((await post(none)).status).toBe(401);
    const jwksText = await (await fetch(stack.supabase.jwksUrl)).text();
    const confused = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: await publishedKid() }).sign(new TextEncoder().encode(jwksText));
    expect((await post(confused)).status).toBe(401);
  });
});
