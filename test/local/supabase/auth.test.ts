import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { anonClient, clientWith, rawRequest, signToken, signedInUser, startTestSupabase } from './supabase-test-helpers';

let hs: SupabaseLocal;
let es: SupabaseLocal;

beforeAll(async () => {
  [hs, es] = await Promise.all([startTestSupabase(), startTestSupabase({ accessTokenAlgorithm: 'ES256' })]);
});

afterAll(async () => {
  await Promise.all([hs?.stop(), es?.stop()]);
});

describe('API keys', () => {
  it('are HS256 JWTs with role anon and service_role, signed with the stack secret', async () => {
    expect(decodeProtectedHeader(hs.anonKey).alg).toBe('HS256');
    expect(decodeJwt(hs.anonKey).role).toBe('anon');
    expect(decodeJwt(hs.serviceRoleKey).role).toBe('service_role');
    expect(decodeProtectedHeader(es.anonKey).alg).toBe('HS256');
  });
});

describe('anonymous sign-in', () => {
  it('creates an anonymous user whose access token says so', async () => {
    const client = anonClient(hs);
    const { data, error } = await client.auth.signInAnonymously({ options: { data: { plan: 'trial' } } });
    expect(error).toBeNull();
    expect(data.user?.is_anonymous).toBe(true);
    expect(data.user?.user_metadata).toEqual({ plan: 'trial' });
    const claims = decodeJwt(data.session?.access_token ?? '');
    expect(claims).toMatchObject({ sub: data.user?.id, role: 'authenticated', aud: 'authenticated', is_anonymous: true });
    expect(typeof claims.session_id).toBe('string');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });
});

describe('email and password', () => {
  it('signs up, signs in, reads the user and refreshes the session', async () => {
    const client = anonClient(hs);
    const up = await client.auth.signUp({ email: 'Ana@Example.com', password: 'correct-horse-1' });
    expect(up.error).toBeNull();
    expect(up.data.user?.email).toBe('ana@example.com');
    expect(up.data.session?.access_token).toBeTruthy();

    const other = anonClient(hs);
    const signIn = await other.auth.signInWithPassword({ email: 'ana@example.com', password: 'correct-horse-1' });
    expect(signIn.error).toBeNull();
    expect(signIn.data.user?.id).toBe(up.data.user?.id);
    expect(decodeJwt(signIn.data.session?.access_token ?? '')).toMatchObject({ email: 'ana@example.com', is_anonymous: false });

    const me = await other.auth.getUser();
    expect(me.data.user?.email).toBe('ana@example.com');

    const oldRefresh = signIn.data.session?.refresh_token ?? '';
    const refreshed = await other.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(refreshed.data.session?.refresh_token).not.toBe(oldRefresh);
    expect(refreshed.data.user?.id).toBe(up.data.user?.id);

    const reuse = await rawRequest(hs, '/auth/v1/token?grant_type=refresh_token', { method: 'POST', body: JSON.stringify({ refresh_token: oldRefresh }), token: hs.anonKey });
    expect(reuse.status).toBe(400);
    expect(reuse.json()).toMatchObject({ code: 'refresh_token_already_used' });
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    await signedInUser(hs, 'bea@example.com');
    const wrong = await anonClient(hs).auth.signInWithPassword({ email: 'bea@example.com', password: 'wrong-password' });
    expect(wrong.error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' });
    const unknown = await anonClient(hs).auth.signInWithPassword({ email: 'nobody@example.com', password: 'wrong-password' });
    expect(unknown.error).toMatchObject({ status: 400, code: 'invalid_credentials' });
  });

  it('refuses a duplicate email, a weak password and a malformed email', async () => {
    await signedInUser(hs, 'cid@example.com');
    const dup = await anonClient(hs).auth.signUp({ email: 'CID@example.com', password: 'another-pass' });
    expect(dup.error).toMatchObject({ status: 422, code: 'user_already_exists' });
    const weak = await anonClient(hs).auth.signUp({ email: 'dan@example.com', password: '123' });
    expect(weak.error).toMatchObject({ status: 422, code: 'weak_password' });
    expect(weak.error?.message).toContain('at least 6 characters');
    const bad = await anonClient(hs).auth.signUp({ email: 'not-an-email', password: 'long-enough' });
    expect(bad.error).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  it('ends the session on sign-out: the old access token no longer reads the user', async () => {
    const user = await signedInUser(hs, 'eve@example.com');
    const { error } = await user.client.auth.signOut();
    expect(error).toBeNull();
    const r = await rawRequest(hs, '/auth/v1/user', { token: user.accessToken });
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ code: 'session_not_found' });
  });

  it('refuses getUser with an expired, a forged or no token', async () => {
    const user = await signedInUser(hs);
    const expired = await signToken(hs.jwtSecret, { sub: user.id, role: 'authenticated' }, -60);
    expect((await rawRequest(hs, '/auth/v1/user', { token: expired })).json()).toMatchObject({ code: 'bad_jwt' });
    const forged = await signToken('not-the-secret-not-the-secret-xx', { sub: user.id, role: 'authenticated' });
    expect((await rawRequest(hs, '/auth/v1/user', { token: forged })).status).toBe(403);
    const none = await fetch(`${hs.url}/auth/v1/user`, { headers: { apikey: hs.anonKey } });
    expect(none.status).toBe(401);
  });

  it('answers malformed JSON with 400 bad_json', async () => {
    const r = await rawRequest(hs, '/auth/v1/signup', { method: 'POST', body: '{"email":', token: hs.anonKey });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ code: 'bad_json' });
  });
});

describe('ES256 access tokens', () => {
  it('signs user tokens with ES256 and a kid published at the JWKS endpoint', async () => {
    const user = await signedInUser(es);
    const header = decodeProtectedHeader(user.accessToken);
    expect(header.alg).toBe('ES256');
    const jwks = (await (await fetch(es.jwksUrl)).json()) as { keys: { kid: string; kty: string; alg: string; d?: string }[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: header.kid, kty: 'EC', alg: 'ES256' });
    expect(jwks.keys[0]?.d).toBeUndefined();
  });

  it('accepts ES256 user tokens over REST and auth, alongside the HS256 API keys', async () => {
    const user = await signedInUser(es);
    const r = await user.client.from('video_jobs').select('id');
    expect(r.error).toBeNull();
    expect((await user.client.auth.getUser()).data.user?.id).toBe(user.id);
    const byKey = await clientWith(es, es.serviceRoleKey).from('video_jobs').select('id');
    expect(byKey.error).toBeNull();
  });

  it('publishes no keys when tokens are HS256', async () => {
    expect(await (await fetch(hs.jwksUrl)).json()).toEqual({ keys: [] });
  });
});
