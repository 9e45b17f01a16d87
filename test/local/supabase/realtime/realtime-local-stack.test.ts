/**
 * Realtime inside the whole local Supabase (startSupabaseLocal): the project's own migrations
 * (video_jobs with RLS "own rows only", replica identity full), real sign-ins, REST writes.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../../../local/supabase/start-supabase-local';
import { startTestSupabase } from '../supabase-test-helpers';
import { listen, waitFor } from './realtime-harness';

function clientFor(local: { url: string; anonKey: string }, accessToken?: string): SupabaseClient {
  return createClient(local.url, local.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    ...(accessToken ? { accessToken: async () => accessToken } : {}),
    realtime: { transport: WebSocket as never, reconnectAfterMs: () => 200, timeout: 5000 },
  });
}

async function signedIn(local: SupabaseLocal): Promise<{ client: SupabaseClient; userId: string }> {
  const client = clientFor(local);
  const { data, error } = await client.auth.signInAnonymously();
  if (error || !data.user) throw error ?? new Error('no user');
  // Hand realtime the session token before subscribing (supabase-js does it on SIGNED_IN, async).
  await client.realtime.setAuth();
  return { client, userId: data.user.id };
}

describe('Realtime on the local Supabase stack', () => {
  let local: SupabaseLocal;
  let service: SupabaseClient;

  beforeAll(async () => {
    local = await startTestSupabase();
    service = clientFor(local, local.serviceRoleKey);
  });
  afterAll(async () => {
    await local?.stop();
  });

  const insertJob = async (userId: string): Promise<string> => {
    const id = randomUUID();
    const { error } = await service.from('video_jobs').insert({ id, user_id: userId, status: 'queued' });
    if (error) throw new Error(error.message);
    return id;
  };

  it('gives each signed-in user their own rows only; anon hears nothing; deletes carry only the key', async () => {
    const a = await signedIn(local);
    const b = await signedIn(local);
    const anon = clientFor(local);
    const la = await listen(a.client, 'jobs', [{ event: '*' }]);
    const lb = await listen(b.client, 'jobs', [{ event: '*' }]);
    const ln = await listen(anon, 'jobs', [{ event: '*' }]);

    const ja = await insertJob(a.userId);
    const jb = await insertJob(b.userId);
    await waitFor(() => (la.changes.length >= 1 && lb.changes.length >= 1 ? true : undefined), 5000, 'one insert each');
    const { error } = await service.from('video_jobs').update({ status: 'generating', progress: 10 }).eq('id', ja);
    expect(error).toBeNull();
    const upd = await waitFor(() => la.changes.find((c) => c.eventType === 'UPDATE'), 5000, 'update for a');
    // video_jobs has replica identity full: the whole old row comes along.
    expect(upd.old).toMatchObject({ id: ja, status: 'queued', progress: 0, user_id: a.userId });
    expect(upd.new).toMatchObject({ id: ja, status: 'generating', progress: 10 });

    await service.from('video_jobs').delete().eq('id', ja);
    const del = await waitFor(() => lb.changes.find((c) => c.eventType === 'DELETE'), 5000, 'delete heard by b');
    // Supabase's documented rule: RLS cannot be checked on a deleted row, so only the key goes out.
    expect(del.old).toEqual({ id: ja });
    await waitFor(() => la.changes.find((c) => c.eventType === 'DELETE'), 5000, 'delete heard by a');

    const rowsOf = (l: typeof la): string[] => l.changes.filter((c) => c.eventType !== 'DELETE').map((c) => (c.new as { id: string }).id);
    expect(rowsOf(la)).toEqual([ja, ja]);
    expect(rowsOf(lb)).toEqual([jb]);
    expect(ln.changes.filter((c) => c.eventType !== 'DELETE')).toEqual([]);
    await Promise.all([a.client, b.client, anon].map((c) => c.removeAllChannels()));
  });

  it('follows a refreshed token, and closes the channel when a refresh brings an expired one', async () => {
    const a = await signedIn(local);
    const l = await listen(a.client, 'refresh', [{ event: 'INSERT' }]);
    // What a refresh hands realtime: a new token for the same user (minted here so it differs
    // even within the same second, which a refreshSession() token may not).
    await a.client.realtime.setAuth(await signFor(local, a.userId, 7200));
    await waitFor(() => (l.systems.filter((s) => s.status === 'ok').length >= 2 ? true : undefined), 5000, 're-subscribed');
    const id = await insertJob(a.userId);
    await waitFor(() => l.changes.find((c) => (c.new as { id: string }).id === id), 5000, 'change after refresh');

    // A token that expired a minute ago, correctly signed: Supabase says why and closes the channel.
    const expired = await signFor(local, a.userId, -60);
    await a.client.realtime.setAuth(expired);
    const sys = await waitFor(() => l.systems.find((s) => s.status === 'error'), 5000, 'system error');
    expect(sys).toMatchObject({ extension: 'system', channel: 'refresh', message: expect.stringMatching(/^Token has expired \d+ seconds ago$/) });
    await waitFor(() => (l.statuses.includes('CLOSED') ? true : undefined), 5000, 'CLOSED status');
    await a.client.removeAllChannels();
  });
});

/** A user token signed with the server's own secret (HS256), expiring in `seconds` (negative: expired). */
async function signFor(local: SupabaseLocal, userId: string, seconds: number): Promise<string> {
  const { SignJWT } = await import('jose');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now - Math.max(0, -seconds) - 1)
    .setExpirationTime(now + seconds)
    .sign(new TextEncoder().encode(local.jwtSecret));
}
