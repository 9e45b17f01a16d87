import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { clientWith, rawRequest, serviceClient, signToken, startTestSupabase, uuid } from './supabase-test-helpers';

let stack: SupabaseLocal;
let db: SupabaseClient;
const owner = uuid();

beforeAll(async () => {
  stack = await startTestSupabase();
  db = serviceClient(stack);
  const rows = [0, 1, 2].map((i) => ({ id: uuid(), user_id: owner, source_key: `images/${owner}/${i}.jpg` }));
  expect((await db.from('video_jobs').insert(rows)).error).toBeNull();
});

afterAll(async () => {
  await stack?.stop();
});

async function jobCount(): Promise<number> {
  const r = await stack.db.query<{ n: number }>('select count(*)::int as n from public.video_jobs');
  return r.rows[0]?.n ?? -1;
}

describe('malformed requests', () => {
  it('answers malformed or empty JSON with 400 PGRST102', async () => {
    const r = await rawRequest(stack, '/rest/v1/video_jobs', { method: 'POST', body: '{"id": ' });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ code: 'PGRST102' });
    expect((r.json() as { message: string }).message).toContain('Empty or invalid json');
    const empty = await rawRequest(stack, '/rest/v1/video_jobs', { method: 'POST', body: '' });
    expect(empty.status).toBe(400);
    const scalar = await rawRequest(stack, '/rest/v1/video_jobs', { method: 'POST', body: '[1, 2]' });
    expect(scalar.json()).toMatchObject({ code: 'PGRST102' });
  });

  it('answers unknown tables with 404 PGRST205 and unknown columns with 400 naming them', async () => {
    const table = await db.from('no_such_table').select();
    expect(table.status).toBe(404);
    expect(table.error).toMatchObject({ code: 'PGRST205', message: "Could not find the table 'public.no_such_table' in the schema cache" });
    const column = await db.from('video_jobs').select('id').eq('colour', 'red');
    expect(column.status).toBe(400);
    expect(column.error).toMatchObject({ code: '42703', message: 'column video_jobs.colour does not exist' });
    const write = await db.from('video_jobs').insert({ id: uuid(), user_id: owner, colour: 'red' });
    expect(write.error).toMatchObject({ code: 'PGRST204', message: "Could not find the 'colour' column of 'video_jobs' in the schema cache" });
  });

  it('answers unknown operators, bad order and bad limit with 400 PGRST100', async () => {
    expect((await rawRequest(stack, '/rest/v1/video_jobs?status=approx.queued')).json()).toMatchObject({ code: 'PGRST100' });
    expect((await rawRequest(stack, '/rest/v1/video_jobs?order=created_at.sideways')).json()).toMatchObject({ code: 'PGRST100' });
    expect((await rawRequest(stack, '/rest/v1/video_jobs?limit=-1')).status).toBe(400);
    expect((await rawRequest(stack, '/rest/v1/video_jobs?or=(status.eq.queued')).json()).toMatchObject({ code: 'PGRST100' });
  });

  it('answers a value of the wrong type with 400 22P02', async () => {
    const r = await db.from('video_jobs').select('id').eq('id', 'not-a-uuid');
    expect(r.status).toBe(400);
    expect(r.error?.code).toBe('22P02');
  });

  it('answers an oversized body with 413 and keeps serving', async () => {
    const big = JSON.stringify({ id: uuid(), user_id: owner, error: 'x'.repeat(1_100_000) });
    const r = await rawRequest(stack, '/rest/v1/video_jobs', { method: 'POST', body: big });
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ code: 'PGRST413' });
    expect((await db.from('video_jobs').select('id')).data).toHaveLength(3);
  });
});

describe('SQL carried in request text never runs', () => {
  const payloads = ["'; drop table public.video_jobs; --", '1); delete from public.video_jobs; --', '" or 1=1 --'];

  it('treats filter values as values', async () => {
    for (const p of payloads) {
      const r = await db.from('video_jobs').select('id').eq('source_key', p);
      expect(r.data).toEqual([]);
      const inList = await db.from('video_jobs').select('id').in('source_key', [p, 'x']);
      // supabase-js wraps but does not escape a '"' inside in() values: such a list cannot parse.
      if (p.includes('"')) expect(inList.error?.code).toBe('PGRST100');
      else expect(inList.data).toEqual([]);
      const or = await rawRequest(stack, `/rest/v1/video_jobs?or=(source_key.eq.${encodeURIComponent(p)},status.eq.none)`);
      expect([200, 400]).toContain(or.status);
    }
    expect(await jobCount()).toBe(3);
  });

  it('refuses identifiers carrying SQL in select, filters, order and on_conflict', async () => {
    const select = await rawRequest(stack, `/rest/v1/video_jobs?select=${encodeURIComponent('id,(select 1)')}`);
    expect(select.status).toBe(400);
    // PostgREST's parser stops at ';' in a filter's column: a parse error, before any SQL.
    const filter = await rawRequest(stack, `/rest/v1/video_jobs?${encodeURIComponent('id;drop table video_jobs')}=eq.1`);
    expect(filter.json()).toMatchObject({ code: 'PGRST100' });
    const order = await rawRequest(stack, `/rest/v1/video_jobs?order=${encodeURIComponent('id;drop table video_jobs--')}`);
    expect(order.status).toBe(400);
    const orderBy = await db.from('video_jobs').select('id').order('created_at desc; delete from video_jobs');
    expect(orderBy.status).toBe(400);
    const table = await db.from('video_jobs; drop table video_jobs').select();
    expect(table.status).toBe(404);
    const conflict = await db.from('video_jobs').upsert({ id: uuid(), user_id: owner }, { onConflict: 'id) do nothing; --' });
    expect(conflict.status).toBe(400);
    expect(await jobCount()).toBe(3);
  });
});

describe('JWTs', () => {
  it('refuses a request with no key at all (401)', async () => {
    const r = await fetch(`${stack.url}/rest/v1/video_jobs`);
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ code: 'PGRST301' });
  });

  it('refuses forged, malformed, alg=none and expired tokens', async () => {
    const forged = await signToken('someone-elses-secret-someone-else', { role: 'service_role' });
    const f = await clientWith(stack, forged).from('video_jobs').select('id');
    expect(f.status).toBe(401);
    expect(f.error?.code).toBe('PGRST301');
    const garbage = await rawRequest(stack, '/rest/v1/video_jobs', { token: 'not.a.jwt', headers: { apikey: stack.anonKey } });
    expect(garbage.status).toBe(401);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"role":"service_role"}').toString('base64url')}.`;
    expect((await rawRequest(stack, '/rest/v1/video_jobs', { token: none })).status).toBe(401);
    const expired = await signToken(stack.jwtSecret, { role: 'service_role' }, -30);
    const e = await rawRequest(stack, '/rest/v1/video_jobs', { token: expired });
    expect(e.status).toBe(401);
    expect(e.json()).toMatchObject({ code: 'PGRST303', message: 'JWT expired' });
    expect(e.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('refuses a validly signed token naming a role the API does not switch to', async () => {
    const superuser = await signToken(stack.jwtSecret, { role: 'postgres' });
    const r = await rawRequest(stack, '/rest/v1/video_jobs', { token: superuser });
    expect(r.status).toBe(401);
  });

  it('refuses a bad apikey header even with a good bearer token', async () => {
    const r = await rawRequest(stack, '/rest/v1/video_jobs', { headers: { apikey: 'forged' } });
    expect(r.status).toBe(401);
  });
});

describe('availability switch and method handling', () => {
  it('answers 503 PostgREST-style while unavailable, then serves again', async () => {
    stack.setUnavailable(true);
    try {
      const r = await db.from('video_jobs').insert({ id: uuid(), user_id: owner });
      expect(r.status).toBe(503);
      expect(r.error?.code).toBe('PGRST001');
      const auth = await fetch(`${stack.url}/auth/v1/user`, { headers: { apikey: stack.anonKey } });
      expect(auth.status).toBe(503);
    } finally {
      stack.setUnavailable(false);
    }
    expect(await jobCount()).toBe(3);
    expect((await db.from('video_jobs').select('id')).data).toHaveLength(3);
  });

  it('answers 405 to an unsupported method and CORS preflights with Supabase headers', async () => {
    expect((await rawRequest(stack, '/rest/v1/video_jobs', { method: 'PUT', body: '{}' })).status).toBe(405);
    const pre = await fetch(`${stack.url}/rest/v1/video_jobs`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'apikey, authorization, x-client-info, content-type, prefer' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(pre.headers.get('access-control-allow-headers')).toContain('prefer');
  });
});
