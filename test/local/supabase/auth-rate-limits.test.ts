import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthRateLimiter } from '../../../local/supabase/auth/auth-rate-limits';
import type { SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { anonClient, rawRequest, startTestSupabase } from './supabase-test-helpers';

/** GoTrue's per-IP limits: its defaults end to end through supabase-js, and the token buckets on a clock. */

function refused(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { errorCode?: string }).errorCode;
  }
}

describe('the limiter', () => {
  it('lets 30 anonymous sign-ins an hour through per IP, refilling one every 2 minutes', () => {
    let now = 0;
    const limits = createAuthRateLimiter({}, () => now);
    for (let i = 0; i < 30; i++) expect(refused(() => limits.anonymousSignIn('10.0.0.1'))).toBeUndefined();
    expect(refused(() => limits.anonymousSignIn('10.0.0.1'))).toBe('over_request_rate_limit');
    expect(refused(() => limits.anonymousSignIn('10.0.0.2'))).toBeUndefined(); // another address has its own
    now += 119_000;
    expect(refused(() => limits.anonymousSignIn('10.0.0.1'))).toBe('over_request_rate_limit');
    now += 1_000;
    expect(refused(() => limits.anonymousSignIn('10.0.0.1'))).toBeUndefined();
  });

  it('allows bursts of 30 sign-ups and token grants, refilled at 30 and 150 per 5 minutes', () => {
    let now = 0;
    const limits = createAuthRateLimiter({}, () => now);
    for (let i = 0; i < 30; i++) limits.signup('ip');
    for (let i = 0; i < 30; i++) limits.token('ip');
    expect(refused(() => limits.signup('ip'))).toBe('over_request_rate_limit');
    expect(refused(() => limits.token('ip'))).toBe('over_request_rate_limit');
    now += 2_000; // 150 per 5 minutes: one token grant every 2 s; a sign-up every 10 s
    expect(refused(() => limits.token('ip'))).toBeUndefined();
    expect(refused(() => limits.signup('ip'))).toBe('over_request_rate_limit');
    now += 8_000;
    expect(refused(() => limits.signup('ip'))).toBeUndefined();
  });

  it('takes raised limits as the burst too, and refuses nonsense', () => {
    const limits = createAuthRateLimiter({ anonymousUsers: 500, signups: 500 }, () => 0);
    for (let i = 0; i < 500; i++) limits.anonymousSignIn('ip');
    for (let i = 0; i < 500; i++) limits.signup('ip');
    expect(refused(() => limits.signup('ip'))).toBe('over_request_rate_limit');
    expect(() => createAuthRateLimiter({ tokenRefresh: 0 })).toThrow(/tokenRefresh must be a positive number/);
  });
});

describe('a local Supabase with GoTrue’s default limits', () => {
  let stack: SupabaseLocal;
  beforeAll(async () => {
    stack = await startTestSupabase({ authRateLimits: {} });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers the 31st anonymous sign-in from one address with 429 over_request_rate_limit, as auth-js sees it', async () => {
    for (let i = 0; i < 30; i++) expect((await anonClient(stack).auth.signInAnonymously()).error).toBeNull();
    const { data, error } = await anonClient(stack).auth.signInAnonymously();
    expect(data.session).toBeNull();
    expect(error).toMatchObject({ status: 429, code: 'over_request_rate_limit', message: 'Request rate limit reached' });
    // Email sign-ups have their own bucket.
    expect((await anonClient(stack).auth.signUp({ email: 'after-anon@example.com', password: 'correct-horse-1' })).error).toBeNull();
  });

  it('counts password sign-ins before checking them: after a burst of 30 wrong passwords comes 429, not 400', async () => {
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'wrong-password' });
    const t0 = performance.now();
    const answers: { status: number; json: () => unknown }[] = [];
    while (answers.length < 200 && answers.at(-1)?.status !== 429) {
      answers.push(await rawRequest(stack, '/auth/v1/token?grant_type=password', { method: 'POST', body, token: stack.anonKey }));
    }
    const seconds = (performance.now() - t0) / 1000;
    const last = answers.at(-1)!;
    expect(last.status).toBe(429);
    expect(last.json()).toMatchObject({ error_code: 'over_request_rate_limit', msg: 'Request rate limit reached' });
    const before = answers.slice(0, -1).map((a) => a.status);
    expect(new Set(before)).toEqual(new Set([400]));
    // The burst of 30, plus what refilled meanwhile (150 per 5 minutes: one every 2 s).
    expect(before.length).toBeGreaterThanOrEqual(30);
    expect(before.length).toBeLessThanOrEqual(30 + Math.ceil(seconds / 2));
  });
});
