import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import type { AuthRateLimits } from '../../../local/supabase/auth/auth-rate-limits';
import { startSupabaseLocal, type SupabaseLocal, type SupabaseLocalOptions } from '../../../local/supabase/start-supabase-local';
import { backendOptions } from '../../helpers/test-database';

/** Tests sign in more users from 127.0.0.1 than GoTrue's per-IP defaults allow; the rate-limit tests set their own. */
export const TEST_AUTH_RATE_LIMITS: AuthRateLimits = { anonymousUsers: 10_000, signups: 10_000, tokenRefresh: 10_000 };

/**
 * A stack on a free port, on the suite's backend: in memory on PGlite, or in a fresh database of its
 * own on PostgreSQL (dropped by stop()). Stop it in afterAll.
 */
export async function startTestSupabase(opts: SupabaseLocalOptions = {}): Promise<SupabaseLocal> {
  const backend = await backendOptions();
  try {
    const stack = await startSupabaseLocal({ port: 0, dataDir: null, authRateLimits: TEST_AUTH_RATE_LIMITS, databaseUrl: backend.databaseUrl, ...opts });
    const stop = stack.stop;
    return {
      ...stack,
      stop: async () => {
        await stop();
        await backend.cleanup();
      },
    };
  } catch (err) {
    await backend.cleanup();
    throw err;
  }
}

/** supabase-js as an app uses it, minus browser storage and timers that would outlive a test. */
export function clientWith(stack: SupabaseLocal, key: string): SupabaseClient {
  return createClient(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}

export function serviceClient(stack: SupabaseLocal): SupabaseClient {
  return clientWith(stack, stack.serviceRoleKey);
}

export function anonClient(stack: SupabaseLocal): SupabaseClient {
  return clientWith(stack, stack.anonKey);
}

export interface TestUser {
  client: SupabaseClient;
  id: string;
  accessToken: string;
}

/** A signed-in user (anonymous unless an email is given), with its own client. */
export async function signedInUser(stack: SupabaseLocal, email?: string): Promise<TestUser> {
  const client = anonClient(stack);
  const { data, error } = email ? await client.auth.signUp({ email, password: 'correct-horse-1' }) : await client.auth.signInAnonymously();
  if (error || !data.session || !data.user) throw new Error(`sign-in failed: ${error?.message ?? 'no session'}`);
  return { client, id: data.user.id, accessToken: data.session.access_token };
}

/** An HS256 token with any claims and expiry, signed with `secret` (the stack's, or a forger's). */
export function signToken(secret: string, claims: Record<string, unknown>, expiresInSeconds = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now - 10)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** A raw request to the stack, for what supabase-js cannot send (bad JSON, odd headers). */
export async function rawRequest(
  stack: SupabaseLocal,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; token?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const token = init.token ?? stack.serviceRoleKey;
  const res = await fetch(`${stack.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { apikey: stack.anonKey, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export const uuid = (): string => crypto.randomUUID();
