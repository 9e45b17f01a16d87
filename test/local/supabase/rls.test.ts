import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { anonClient, serviceClient, signedInUser, startTestSupabase, uuid, type TestUser } from './supabase-test-helpers';

let stack: SupabaseLocal;
let service: SupabaseClient;
let alice: TestUser;
let bob: TestUser;
const jobs: Record<'alice' | 'bob', string[]> = { alice: [], bob: [] };

beforeAll(async () => {
  stack = await startTestSupabase();
  service = serviceClient(stack);
  alice = await signedInUser(stack, 'alice@example.com');
  bob = await signedInUser(stack);
  for (const [who, user] of [['alice', alice], ['bob', bob]] as const) {
    const rows = [uuid(), uuid()].map((id) => ({ id, user_id: user.id, source_key: `images/${user.id}/${id}.jpg` }));
    jobs[who] = rows.map((r) => r.id);
    expect((await service.from('video_jobs').insert(rows)).error).toBeNull();
    expect((await service.from('generated_videos').insert({ user_id: user.id, title: `${who}'s villa` })).error).toBeNull();
  }
});

afterAll(async () => {
  await stack?.stop();
});

async function statusOf(id: string): Promise<string | undefined> {
  const r = await stack.db.query<{ status: string }>('select status from public.video_jobs where id = $1::uuid', [id]);
  return r.rows[0]?.status;
}

describe('row-level security over REST', () => {
  it('lets each user read only their own jobs and videos', async () => {
    const a = await alice.client.from('video_jobs').select('id, user_id').order('id');
    expect(a.error).toBeNull();
    expect(a.data?.map((r) => r.id).sort()).toEqual([...jobs.alice].sort());
    const b = await bob.client.from('generated_videos').select('title');
    expect(b.data).toEqual([{ title: "bob's villa" }]);
  });

  it('shows nothing when a user filters for the other user’s rows', async () => {
    const r = await alice.client.from('video_jobs').select('id').eq('user_id', bob.id);
    expect(r.data).toEqual([]);
    const single = await alice.client.from('video_jobs').select('id').eq('id', jobs.bob[0] ?? '').maybeSingle();
    expect(single.data).toBeNull();
  });

  it('shows anon nothing', async () => {
    const anon = anonClient(stack);
    expect((await anon.from('video_jobs').select('id')).data).toEqual([]);
    expect((await anon.from('generated_videos').select('id')).data).toEqual([]);
  });

  it('lets no user update or delete any job, their own or the other’s', async () => {
    const upd = await alice.client.from('video_jobs').update({ status: 'failed' }).eq('id', jobs.bob[0] ?? '').select();
    expect(upd.error).toBeNull();
    expect(upd.data).toEqual([]);
    const own = await alice.client.from('video_jobs').update({ status: 'failed' }).eq('id', jobs.alice[0] ?? '').select();
    expect(own.data).toEqual([]);
    const del = await bob.client.from('video_jobs').delete().eq('id', jobs.alice[1] ?? '').select();
    expect(del.data).toEqual([]);
    expect(await statusOf(jobs.bob[0] ?? '')).toBe('pending_upload');
    expect(await statusOf(jobs.alice[0] ?? '')).toBe('pending_upload');
    expect(await statusOf(jobs.alice[1] ?? '')).toBe('pending_upload');
  });

  it('refuses inserts by users (403 42501) and by anon (401 42501)', async () => {
    const user = await alice.client.from('video_jobs').insert({ id: uuid(), user_id: alice.id });
    expect(user.status).toBe(403);
    expect(user.error?.code).toBe('42501');
    const anon = await anonClient(stack).from('generated_videos').insert({ user_id: alice.id });
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe('42501');
  });

  it('lets the service role read and write everything', async () => {
    const all = await service.from('video_jobs').select('id', { count: 'exact', head: true });
    expect(all.count).toBe(4);
    const upd = await service.from('video_jobs').update({ status: 'queued' }).eq('id', jobs.bob[1] ?? '').select('status').single();
    expect(upd.data).toEqual({ status: 'queued' });
  });
});

describe('auth helpers inside the request transaction', () => {
  it('give auth.uid(), auth.role() and auth.jwt() the caller’s claims, as Supabase defines them', async () => {
    await stack.db.query(`create function public.whoami() returns jsonb language sql stable as
      $$ select jsonb_build_object('uid', auth.uid(), 'role', auth.role(), 'email', auth.jwt() ->> 'email', 'db_role', current_user) $$`);
    expect((await alice.client.rpc('whoami')).data).toEqual({ uid: alice.id, role: 'authenticated', email: 'alice@example.com', db_role: 'authenticated' });
    expect((await anonClient(stack).rpc('whoami')).data).toEqual({ uid: null, role: 'anon', email: null, db_role: 'anon' });
    expect((await service.rpc('whoami')).data).toMatchObject({ uid: null, role: 'service_role', db_role: 'service_role' });
  });
});

describe('count_jobs_today', () => {
  it('counts a user’s jobs of the last 24 hours for the service role', async () => {
    expect((await service.rpc('count_jobs_today', { p_user_id: alice.id })).data).toBe(2);
    await stack.db.query(`update public.video_jobs set created_at = now() - interval '25 hours' where id = $1::uuid`, [jobs.alice[0]]);
    expect((await service.rpc('count_jobs_today', { p_user_id: alice.id })).data).toBe(1);
  });

  it('lets a user count only their own jobs and refuses anon', async () => {
    expect((await bob.client.rpc('count_jobs_today', { p_user_id: bob.id })).data).toBe(2);
    expect((await bob.client.rpc('count_jobs_today', { p_user_id: alice.id })).data).toBe(0);
    const anon = await anonClient(stack).rpc('count_jobs_today', { p_user_id: alice.id });
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe('42501');
  });
});

describe('create_upload_job', () => {
  const args = (userId: string, limit?: number) => {
    const id = uuid();
    return { p_id: id, p_user_id: userId, p_options: { title: 'Villa' }, p_source_key: `images/${userId}/${id}.jpg`, p_since: new Date(Date.now() - 3600_000).toISOString(), ...(limit === undefined ? {} : { p_limit: limit }) };
  };

  it('holds a user’s limit exactly when their uploads arrive at once (one decision per user, under a lock)', async () => {
    const userId = uuid();
    const answers = await Promise.all(Array.from({ length: 12 }, () => service.rpc('create_upload_job', args(userId, 5))));
    for (const a of answers) expect(a.error).toBeNull();
    const created = answers.filter((a) => (a.data as { job?: unknown }).job !== undefined);
    expect(created).toHaveLength(5);
    expect(answers.filter((a) => (a.data as { job?: unknown }).job === undefined).map((a) => a.data)).toEqual(Array(7).fill({ used: 5 }));
    const rows = await stack.db.query<{ n: number }>('select count(*)::int as n from public.video_jobs where user_id = $1::uuid', [userId]);
    expect(rows.rows[0]?.n).toBe(5);
    expect((created[0]!.data as { job: { status: string; origin: string } }).job).toMatchObject({ status: 'pending_upload', origin: 'upload' });
  });

  it('is the handlers’ alone: signed-in users and anon may not call it', async () => {
    const asAlice = await alice.client.rpc('create_upload_job', args(alice.id));
    expect(asAlice.error?.code).toBe('42501');
    const asAnon = await anonClient(stack).rpc('create_upload_job', args(alice.id));
    expect(asAnon.error?.code).toBe('42501');
  });
});
