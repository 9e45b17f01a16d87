import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { rawRequest, serviceClient, startTestSupabase, uuid } from './supabase-test-helpers';

let stack: SupabaseLocal;
let db: SupabaseClient;

beforeAll(async () => {
  stack = await startTestSupabase();
  db = serviceClient(stack);
  await stack.db.query(`create table public.notes (id serial primary key, slug text unique, body text, stars int not null default 0 check (stars between 0 and 5))`);
});

afterAll(async () => {
  await stack?.stop();
});

async function countNotes(where = 'true'): Promise<number> {
  const r = await stack.db.query<{ n: number }>(`select count(*)::int as n from public.notes where ${where}`);
  return r.rows[0]?.n ?? -1;
}

describe('insert', () => {
  it('inserts one row and returns it with select()', async () => {
    const r = await db.from('notes').insert({ slug: 'one', body: 'first' }).select().single();
    expect(r.status).toBe(201);
    expect(r.data).toMatchObject({ slug: 'one', body: 'first', stars: 0 });
    expect(typeof (r.data as { id: number }).id).toBe('number');
  });

  it('inserts many rows in one request; return=minimal answers 201 with no body', async () => {
    const r = await db.from('notes').insert([{ slug: 'm1', stars: 1 }, { slug: 'm2', stars: 2 }]);
    expect(r.status).toBe(201);
    expect(r.data).toBeNull();
    expect(await countNotes(`slug in ('m1', 'm2')`)).toBe(2);
  });

  it('fills missing keys with column defaults when defaultToNull is false (Prefer: missing=default)', async () => {
    const r = await db.from('notes').insert([{ slug: 'd1', stars: 4 }, { slug: 'd2' }], { defaultToNull: false }).select('slug, stars').order('slug');
    expect(r.error).toBeNull();
    expect(r.data).toEqual([{ slug: 'd1', stars: 4 }, { slug: 'd2', stars: 0 }]);
  });

  it('reports the count of inserted rows with count: exact', async () => {
    const r = await db.from('notes').insert([{ slug: 'c1' }, { slug: 'c2' }, { slug: 'c3' }], { count: 'exact' });
    expect(r.count).toBe(3);
  });

  it('writes video_jobs with the app-chosen id and keeps updated_at current by trigger', async () => {
    const id = uuid();
    const created = await db.from('video_jobs').insert({ id, user_id: uuid(), source_key: `images/u/${id}.jpg`, options: { camera: 'dolly_in' } }).select().single();
    expect(created.data).toMatchObject({ id, status: 'pending_upload', progress: 0, origin: 'upload', attempts: 0, options: { camera: 'dolly_in' } });
    const before = (created.data as { updated_at: string }).updated_at;
    const updated = await db.from('video_jobs').update({ status: 'queued', progress: 5 }).eq('id', id).select('status, progress, updated_at').single();
    expect(updated.data).toMatchObject({ status: 'queued', progress: 5 });
    expect(Date.parse((updated.data as { updated_at: string }).updated_at)).toBeGreaterThan(Date.parse(before));
  });

  it('refuses a status outside the allowed set with 400 23514', async () => {
    const r = await db.from('video_jobs').insert({ id: uuid(), user_id: uuid(), status: 'exploded' });
    expect(r.status).toBe(400);
    expect(r.error?.code).toBe('23514');
  });
});

describe('upsert', () => {
  it('merges duplicates on the primary key by default', async () => {
    const first = await db.from('notes').insert({ slug: 'u1', body: 'old' }).select('id').single();
    const id = (first.data as { id: number }).id;
    const r = await db.from('notes').upsert({ id, slug: 'u1', body: 'new' }).select('id, body');
    expect(r.error).toBeNull();
    expect(r.data).toEqual([{ id, body: 'new' }]);
    expect(await countNotes(`slug = 'u1'`)).toBe(1);
  });

  it('merges on another unique column with onConflict', async () => {
    await db.from('notes').insert({ slug: 'u2', body: 'v1', stars: 1 });
    const r = await db.from('notes').upsert({ slug: 'u2', body: 'v2' }, { onConflict: 'slug' }).select('slug, body, stars').single();
    expect(r.data).toEqual({ slug: 'u2', body: 'v2', stars: 1 });
  });

  it('ignores duplicates with ignoreDuplicates and returns only the inserted rows', async () => {
    await db.from('notes').insert({ slug: 'u3', body: 'kept' });
    const r = await db.from('notes').upsert([{ slug: 'u3', body: 'ignored' }, { slug: 'u4', body: 'added' }], { onConflict: 'slug', ignoreDuplicates: true }).select('slug, body');
    expect(r.data).toEqual([{ slug: 'u4', body: 'added' }]);
    const kept = await db.from('notes').select('body').eq('slug', 'u3').single();
    expect(kept.data).toEqual({ body: 'kept' });
  });
});

describe('update and delete', () => {
  it('updates only the filtered rows and returns them', async () => {
    await db.from('notes').insert([{ slug: 'p1', stars: 1 }, { slug: 'p2', stars: 1 }, { slug: 'p3', stars: 1 }]);
    const r = await db.from('notes').update({ stars: 3 }).in('slug', ['p1', 'p2']).select('slug, stars').order('slug');
    expect(r.status).toBe(200);
    expect(r.data).toEqual([{ slug: 'p1', stars: 3 }, { slug: 'p2', stars: 3 }]);
    expect((await db.from('notes').select('stars').eq('slug', 'p3').single()).data).toEqual({ stars: 1 });
  });

  it('answers 204 to an update without select()', async () => {
    const r = await db.from('notes').update({ body: 'x' }).eq('slug', 'p3');
    expect(r.status).toBe(204);
  });

  it('rolls a single() update back when it touched more than one row', async () => {
    const r = await db.from('notes').update({ stars: 5 }).in('slug', ['p1', 'p2']).select().single();
    expect(r.status).toBe(406);
    expect(r.error?.code).toBe('PGRST116');
    expect(await countNotes(`slug in ('p1', 'p2') and stars = 3`)).toBe(2);
  });

  it('deletes the filtered rows and returns them', async () => {
    await db.from('notes').insert([{ slug: 'x1' }, { slug: 'x2' }]);
    const r = await db.from('notes').delete().eq('slug', 'x1').select('slug');
    expect(r.data).toEqual([{ slug: 'x1' }]);
    expect(await countNotes(`slug = 'x1'`)).toBe(0);
    expect(await countNotes(`slug = 'x2'`)).toBe(1);
  });

  it('refuses update and delete without a filter (21000), as Supabase does', async () => {
    const before = await countNotes();
    const del = await rawRequest(stack, '/rest/v1/notes', { method: 'DELETE' });
    expect(del.status).toBe(400);
    expect(del.json()).toMatchObject({ code: '21000', message: 'DELETE requires a WHERE clause' });
    const upd = await db.from('notes').update({ stars: 0 }).neq('id', -1).select('id');
    expect(upd.error).toBeNull();
    const bare = await rawRequest(stack, '/rest/v1/notes', { method: 'PATCH', body: '{"stars":0}' });
    expect(bare.status).toBe(400);
    expect(await countNotes()).toBe(before);
  });

  it('writes nothing of a multi-row insert when one row fails', async () => {
    const before = await countNotes();
    const r = await db.from('notes').insert([{ slug: 'ok-1', stars: 1 }, { slug: 'bad', stars: 9 }, { slug: 'ok-2', stars: 1 }]);
    expect(r.status).toBe(400);
    expect(r.error?.code).toBe('23514');
    expect(await countNotes()).toBe(before);
  });

  it('answers 409 23505 to a unique violation', async () => {
    await db.from('notes').insert({ slug: 'dup' });
    const r = await db.from('notes').insert({ slug: 'dup' });
    expect(r.status).toBe(409);
    expect(r.error?.code).toBe('23505');
  });
});
