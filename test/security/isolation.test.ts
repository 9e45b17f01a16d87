import { readFile } from 'node:fs/promises';
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { createSupabaseClient } from '../../shared/adapters/supabase/create-supabase-client';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';
import { synthStack } from '../infra/synth-helpers';

/**
 * One user's jobs and videos are theirs alone, end to end: Alice's job runs through the whole
 * pipeline while Bob and an anonymous visitor listen on the same tables over Realtime and try her
 * rows over REST and the replay route; then every answer, log line and the synthesized AWS stack are
 * searched for the service-role key. (Renders are CopyClipRenderer: rendering is not under test.)
 */

type User = Awaited<ReturnType<typeof signInUser>>;
interface Heard {
  table: string;
  event: string;
  row: Record<string, unknown>;
}

let stack: LocalStack;
let logs: string[];
let alice: User;
let bob: User;
let anon: SupabaseClient;
let aliceJob: string;
const heard: Record<'alice' | 'bob' | 'bobFiltered' | 'anon', Heard[]> = { alice: [], bob: [], bobFiltered: [], anon: [] };
/** Every body answered to a user in this file, searched for secrets at the end. */
const answers: string[] = [];

function listen(client: SupabaseClient, into: Heard[], name: string, filter?: string): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) => {
    const channel = client.channel(name);
    for (const table of ['video_jobs', 'generated_videos']) {
      channel.on('postgres_changes', { event: '*', schema: 'public', table, ...(filter ? { filter } : {}) }, (p) => {
        into.push({ table, event: p.eventType, row: (p.new ?? {}) as Record<string, unknown> });
        answers.push(JSON.stringify(p));
      });
    }
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve(channel);
      if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(new Error(`${name}: ${status} ${err?.message ?? ''}`));
    });
  });
}

beforeAll(async () => {
  ({ stack, logs } = await startTestStack({ renderer: ({ store }) => new CopyClipRenderer(store) }));
  [alice, bob] = await Promise.all([signInUser(stack), signInUser(stack)]);
  anon = createSupabaseClient(stack.info.supabaseUrl, stack.info.supabaseAnonKey);
  await Promise.all([
    listen(alice.client, heard.alice, 'alice'),
    listen(bob.client, heard.bob, 'bob'),
    // Asking by name for Alice's rows changes nothing.
    listen(bob.client, heard.bobFiltered, 'bob-filtered', `user_id=eq.${'ALICE'}`.replace('ALICE', alice.userId)),
    listen(anon, heard.anon, 'anon'),
  ]);
  const photo = await readFile('remotion/public/sample/villa-small.jpg');
  aliceJob = (await uploadPhoto(stack, alice.accessToken, photo)).jobId;
  expect((await waitForJobEnd(stack, aliceJob, 60_000)).status).toBe('completed');
  // Alice hears her video inserted and her job completed (two changes, in either order); by then
  // everyone else had the same chance to hear them.
  const aliceHeardTheEnd = () =>
    heard.alice.some((h) => h.table === 'generated_videos' && h.event === 'INSERT') &&
    heard.alice.some((h) => h.table === 'video_jobs' && h.row.status === 'completed');
  for (let waited = 0; !aliceHeardTheEnd(); waited += 50) {
    if (waited > 10_000) throw new Error('Alice never heard her video inserted and her job completed');
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(async () => {
  for (const client of [alice?.client, bob?.client, anon]) await client?.removeAllChannels();
  await stack?.stop();
});

describe('another user', () => {
  it('hears nothing of Alice’s job over Realtime, filtered or not; neither does anon', () => {
    expect(heard.alice.filter((h) => h.table === 'video_jobs').map((h) => h.row.status)).toEqual(expect.arrayContaining(['generating', 'rendering', 'completed']));
    expect(heard.bob).toEqual([]);
    expect(heard.bobFiltered).toEqual([]);
    expect(heard.anon).toEqual([]);
  });

  it('cannot read Alice’s job or video over REST, by listing or by id', async () => {
    for (const client of [bob.client, anon]) {
      for (const table of ['video_jobs', 'generated_videos']) {
        const all = await client.from(table).select('*');
        answers.push(JSON.stringify(all));
        expect(all.error).toBeNull();
        expect(all.data).toEqual([]);
        const byId = await client.from(table).select('*').eq('id', aliceJob).maybeSingle();
        expect(byId.data).toBeNull();
      }
    }
    // Alice can.
    expect((await alice.client.from('generated_videos').select('id').eq('id', aliceJob)).data).toEqual([{ id: aliceJob }]);
  });

  it('cannot change, delete or forge Alice’s rows', async () => {
    const upd = await bob.client.from('video_jobs').update({ status: 'failed', error: 'bob was here' }).eq('id', aliceJob).select();
    expect(upd.data ?? []).toEqual([]);
    const del = await bob.client.from('generated_videos').delete().eq('id', aliceJob).select();
    expect(del.data ?? []).toEqual([]);
    const forged = await bob.client.from('generated_videos').insert({ user_id: alice.userId, title: 'forged' }).select();
    expect(forged.error).not.toBeNull();
    const anonUpd = await anon.from('video_jobs').update({ status: 'failed' }).eq('id', aliceJob).select();
    expect(anonUpd.data ?? []).toEqual([]);
    answers.push(JSON.stringify([upd, del, forged, anonUpd]));
    const job = await stack.clients.jobs.get(aliceJob);
    expect(job).toMatchObject({ status: 'completed', error: null });
    const { data } = await stack.clients.supabase.from('generated_videos').select('title').eq('user_id', alice.userId);
    expect(data).toHaveLength(1);
    expect(data![0]!.title).not.toBe('forged');
  });

  it('is told Alice’s job does not exist when replaying it', async () => {
    const res = await fetch(`${stack.info.webUrl}/jobs/${aliceJob}/replay`, { method: 'POST', headers: { authorization: `Bearer ${bob.accessToken}` } });
    const body = await res.text();
    answers.push(body);
    expect(res.status).toBe(404);
    expect(body).toContain(`No job ${aliceJob} was found.`);
  });

  it('gets an upload key under their own prefix whatever the body claims', async () => {
    const res = await fetch(stack.info.uploadsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: `../${alice.userId}/x.jpg`, contentType: 'image/jpeg', size: 1000, userId: alice.userId, user_id: alice.userId }),
    });
    const body = await res.text();
    answers.push(body);
    if (res.status === 201) expect((JSON.parse(body) as { key: string }).key.startsWith(`images/${bob.userId}/`)).toBe(true);
    else expect(res.status).toBe(400);
  });
});

describe('the service-role key', () => {
  it('appears in no answer, no Realtime message and no log line, nor do other secrets', async () => {
    const config = await fetch(`${stack.info.webUrl}/config.json`);
    answers.push(await config.text());
    expect(answers.length).toBeGreaterThan(10);
    const secrets = {
      serviceRoleKey: stack.info.supabaseServiceRoleKey,
      jwtSecret: stack.supabase.jwtSecret,
      s3Secret: stack.info.s3SecretAccessKey,
      ltxKey: stack.config.ltx.apiKey && 'value' in stack.config.ltx.apiKey ? stack.config.ltx.apiKey.value : 'unset',
      aliceToken: alice.accessToken,
      bobToken: bob.accessToken,
    };
    const logText = logs.join('\n');
    expect(logText).toContain(aliceJob);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(8);
      expect(logText.includes(secret), `${name} in the logs`).toBe(false);
      if (!name.endsWith('Token')) expect(answers.some((a) => a.includes(secret)), `${name} in an answer`).toBe(false);
    }
  });

  it('is not in the synthesized AWS stack, even when set in the environment that synthesizes it', () => {
    const saved = { ...process.env };
    try {
      process.env.SUPABASE_SERVICE_ROLE_KEY = stack.info.supabaseServiceRoleKey;
      process.env.SUPABASE_JWT_SECRET = stack.supabase.jwtSecret;
      const { text, json } = synthStack();
      expect(Object.keys(json.resource ?? {}).length).toBeGreaterThan(5);
      expect(text).not.toContain(stack.info.supabaseServiceRoleKey);
      expect(text).not.toContain(stack.supabase.jwtSecret);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/);
    } finally {
      process.env = saved;
    }
  });
});
