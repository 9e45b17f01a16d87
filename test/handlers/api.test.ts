import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { LocalStack } from '../../local/stack';
import { createSupabaseClient } from '../../shared/adapters/supabase/create-supabase-client';
import { signInUser, startTestStack } from '../helpers/local-stack';

let stack: LocalStack;
let token: string;
let logs: string[];

beforeAll(async () => {
  ({ stack, logs } = await startTestStack({ env: { MAX_JOBS_PER_DAY: '3', ANONYMOUS_JOBS_PER_DAY: '1' } }));
  token = (await signInUser(stack)).accessToken;
});
afterAll(async () => {
  await stack?.stop();
});

const body = { filename: 'villa.jpg', contentType: 'image/jpeg', size: 2048 };

function post(payload: unknown, headers: Record<string, string> = {}) {
  return fetch(stack.info.uploadsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

describe('POST /uploads', () => {
  it('answers a CORS preflight', async () => {
    const res = await fetch(stack.info.uploadsUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://myhost-bizmate.vercel.app', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('signs a PUT for exactly the announced file and records a pending job', async () => {
    const res = await post(body, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(201);
    const ticket = (await res.json()) as { jobId: string; key: string; uploadUrl: string; method: string; headers: Record<string, string>; expiresAt: string };
    expect(ticket.method).toBe('PUT');
    expect(ticket.key).toMatch(new RegExp(`^images/[0-9a-f-]{36}/${ticket.jobId}\\.jpg$`));
    expect(ticket.headers['Content-Type']).toBe('image/jpeg');
    expect(new Date(ticket.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(300_000);
    const job = await stack.clients.jobs.get(ticket.jobId);
    expect(job).toMatchObject({ status: 'pending_upload', source_key: ticket.key, origin: 'upload' });

    // The store refuses a PUT of another type or another size than was signed.
    const wrongType = await fetch(ticket.uploadUrl, { method: 'PUT', headers: { ...ticket.headers, 'Content-Type': 'image/png' }, body: new Uint8Array(2048) });
    expect(wrongType.status).toBe(403);
    const wrongSize = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(4096) });
    expect(wrongSize.status).toBe(403);
    expect(await stack.clients.store.head(ticket.key)).toBeNull();
  });

  it.each([
    ['no token', {}, 'Authorization: Bearer <Supabase access token> is required'],
    ['a garbage token', { authorization: 'Bearer nope' }, 'the access token is not a JWT'],
    ['the anon key', { authorization: 'Bearer ANON' }, `a signed-in user's access token is required`],
    ['the service-role key', { authorization: 'Bearer SERVICE' }, `a signed-in user's access token is required`],
  ])('answers 401 for %s', async (_name, headers, message) => {
    const h = Object.fromEntries(
      Object.entries(headers as Record<string, string>).map(([k, v]) => [k, v.replace('ANON', stack.info.supabaseAnonKey).replace('SERVICE', stack.info.supabaseServiceRoleKey)]),
    );
    const res = await post(body, h);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining(message) } });
  });

  it('answers 401 for expired and forged tokens', async () => {
    const sub = '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f';
    const expired = await new SignJWT({ sub, role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(stack.supabase.jwtSecret));
    expect((await post(body, { authorization: `Bearer ${expired}` })).status).toBe(401);
    const forged = await new SignJWT({ sub, role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(40)));
    const res = await post(body, { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
  });

  it('answers 401 to a token signed with the project’s own secret but of another issuer or audience', async () => {
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ sub: '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f', role: 'authenticated', ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(stack.supabase.jwtSecret));
    const issuer = `${stack.info.supabaseUrl}/auth/v1`;
    const answers = [
      await post(body, { authorization: `Bearer ${await sign({ iss: 'https://anotherproject.supabase.co/auth/v1', aud: 'authenticated' })}` }),
      await post(body, { authorization: `Bearer ${await sign({ iss: issuer, aud: 'anon' })}` }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401]);
    expect(((await answers[0]!.json()) as { error: { message: string } }).error.message).toBe('the access token was not issued by this project’s Supabase Auth (iss)');
    expect(((await answers[1]!.json()) as { error: { message: string } }).error.message).toBe('the access token is not for signed-in users (aud must be "authenticated")');
    // The same claims as the local Supabase issues them are accepted: the stack is configured as AWS is.
    expect((await post(body, { authorization: `Bearer ${await sign({ iss: issuer, aud: 'authenticated' })}` })).status).toBe(201);
  });

  it.each([
    ['not JSON', '{"filename": ', 'body: must be valid JSON'],
    ['an empty body', '', 'body: a JSON object is required (got an empty body)'],
    ['a GIF', { ...body, contentType: 'image/gif' }, 'contentType: must be image/jpeg, image/png or image/webp (got "image/gif")'],
    ['16 MB', { ...body, size: 16 * 1024 * 1024 }, 'size: must be at most 15728640 bytes (15 MB) (got 16777216)'],
    ['an unknown music bed', { ...body, musicFile: 'nope.mp3' }, 'musicFile:'],
  ])('answers 400 for %s, naming the field', async (_name, payload, message) => {
    const res = await post(payload, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe('invalid_request');
    expect(answer.error.message).toContain(message);
  });

  it('keeps a name with ../ or control characters out of the key', async () => {
    const res = await post({ ...body, filename: '../../other-user/evil.jpg' }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(201);
    const ticket = (await res.json()) as { jobId: string; key: string };
    expect(ticket.key).not.toContain('..');
    expect(ticket.key.split('/')).toHaveLength(3);
    expect((await post({ ...body, filename: 'a\nb.jpg' }, { authorization: `Bearer ${token}` })).status).toBe(400);
  });

  it('answers 413 to an oversized body, 404 elsewhere, 405 to other methods', async () => {
    expect((await post('x'.repeat(64 * 1024), { authorization: `Bearer ${token}` })).status).toBe(413);
    expect((await fetch(`${stack.info.webUrl}/elsewhere`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(stack.info.uploadsUrl, { method: 'GET' })).status).toBe(405);
  });

  it('answers 429 past the daily job limit, per user', async () => {
    const user = await signInUser(stack);
    for (let i = 0; i < 3; i++) expect((await post(body, { authorization: `Bearer ${user.accessToken}` })).status).toBe(201);
    const refused = await post(body, { authorization: `Bearer ${user.accessToken}` });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('You have started 3 videos in the last 24 hours; the limit is 3. Try again tomorrow.');
    // Another user is not affected.
    expect((await post(body, { authorization: `Bearer ${(await signInUser(stack)).accessToken}` })).status).toBe(201);
  });

  it('holds an anonymous guest to the guests’ own, smaller limit', async () => {
    const guest = createSupabaseClient(stack.info.supabaseUrl, stack.info.supabaseAnonKey);
    const { data } = await guest.auth.signInAnonymously();
    const auth = { authorization: `Bearer ${data.session!.access_token}` };
    expect((await post(body, auth)).status).toBe(201);
    const refused = await post(body, auth);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: { code: 'quota_exceeded', message: 'As a guest you may start 1 video in 24 hours and have started 1. Sign in with an email account to make more, or try again tomorrow.' },
    });
  });

  it('never writes a key or token into its logs', () => {
    const text = logs.join('\n');
    expect(text).not.toContain(stack.info.supabaseServiceRoleKey);
    expect(text).not.toContain(token);
    expect(text).not.toContain(stack.info.s3SecretAccessKey);
  });
});
