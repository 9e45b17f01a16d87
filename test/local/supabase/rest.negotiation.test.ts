import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { startLibrary } from './postgrest-fixture';
import { rawRequest, serviceClient } from './supabase-test-helpers';

let stack: SupabaseLocal;
let db: SupabaseClient;
beforeAll(async () => {
  stack = await startLibrary();
  db = serviceClient(stack);
});
afterAll(() => stack?.stop());

describe('content negotiation', () => {
  it('answers CSV, stripped nulls, one object, and refuses what it cannot produce (PGRST107)', async () => {
    const csv = await db.from('authors').select('id, name, bio->>country').order('id').csv();
    expect(csv.data).toBe('id,name,country\n1,Ursula,US\n2,Stanislaw,PL\n3,Octavia,');
    const stripped = await db.from('authors').select('id, bio').eq('id', 3).stripNulls();
    expect(stripped.data).toEqual([{ id: 3 }]);
    const many = await db.from('authors').select('id').single();
    expect(many.status).toBe(406);
    expect(many.error).toMatchObject({ code: 'PGRST116', message: 'Cannot coerce the result to a single JSON object', details: 'The result contains 3 rows' });
    const other = await rawRequest(stack, '/rest/v1/authors', { headers: { Accept: 'image/png' } });
    expect(other.status).toBe(406);
    expect(other.json()).toMatchObject({ code: 'PGRST107' });
  });

  it('explains the query as JSON or text when plans are enabled', async () => {
    const json = await db.from('books').select('title').eq('id', 1).explain({ format: 'json' });
    expect(json.data).toEqual([expect.objectContaining({ Plan: expect.objectContaining({ 'Node Type': expect.any(String) }) })]);
    const text = await db.from('books').select('title').explain();
    expect(String(text.data)).toMatch(/Aggregate {2}\(cost=/);
  });
});

describe('counts, ranges and HEAD', () => {
  it('counts exactly, by the planner, or estimated; HEAD answers 206 with Content-Range for a partial range', async () => {
    const exact = await db.from('books').select('id', { count: 'exact' }).range(0, 1);
    expect(exact.count).toBe(4);
    expect(exact.status).toBe(206);
    const planned = await db.from('books').select('id', { count: 'planned' });
    expect(planned.count).toBeGreaterThan(0);
    const estimated = await db.from('books').select('id', { count: 'estimated' });
    expect(estimated.count).toBe(4);
    const head = await rawRequest(stack, '/rest/v1/books?select=id', { method: 'HEAD', headers: { Prefer: 'count=exact', Range: '1-2' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe('1-2/4');
    expect(head.text).toBe('');
  });
});

describe('Prefer on writes', () => {
  it('upserts answer 201 when a row was inserted and 200 when all were merged', async () => {
    const inserted = await db.from('genres').upsert({ id: 10, name: 'poetry' }).select();
    expect(inserted.status).toBe(201);
    const merged = await db.from('genres').upsert({ id: 10, name: 'verse' }).select();
    expect(merged.status).toBe(200);
    expect(merged.data).toEqual([{ id: 10, name: 'verse' }]);
  });

  it('fills identity values of a bulk insert with missing=default, as PostgREST does', async () => {
    const r = await db.from('authors').insert([{ name: 'Iain' }, { id: 50, name: 'Jo' }], { defaultToNull: false }).select('id, name');
    expect(r.error).toBeNull();
    expect(r.data).toEqual([{ id: 4, name: 'Iain' }, { id: 50, name: 'Jo' }]);
    await db.from('authors').delete().in('id', [4, 50]);
  });

  it('refuses more affected rows than max-affected under handling=strict (PGRST124) and undoes the write', async () => {
    // What supabase-js's maxAffected(1) sends (its types offer it only for a PostgREST 13 schema).
    const r = await rawRequest(stack, '/rest/v1/books?pages=gt.250&select=id', { method: 'PATCH', body: JSON.stringify({ pages: 1 }), headers: { Prefer: 'handling=strict, max-affected=1, return=representation' } });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ code: 'PGRST124', message: 'Query result exceeds max-affected preference constraint', details: 'The query affects 3 rows' });
    expect((await db.from('books').select('id', { count: 'exact', head: true }).eq('pages', 1)).count).toBe(0);
    const strict = await rawRequest(stack, '/rest/v1/books?select=id', { headers: { Prefer: 'handling=strict, count=sometimes' } });
    expect(strict.status).toBe(400);
    expect(strict.json()).toMatchObject({ code: 'PGRST122', details: 'Invalid preferences: count=sometimes' });
  });

  it('rolls a write back with tx=rollback (allowed by pgrst.db_tx_end) and says so', async () => {
    const r = await rawRequest(stack, '/rest/v1/genres?select=name', { method: 'POST', body: JSON.stringify({ id: 99, name: 'gone' }), headers: { Prefer: 'return=representation, tx=rollback' } });
    expect(r.status).toBe(201);
    expect(r.json()).toEqual([{ name: 'gone' }]);
    expect(r.headers.get('preference-applied')).toContain('tx=rollback');
    expect((await db.from('genres').select('id').eq('id', 99)).data).toEqual([]);
  });
});

describe('PUT', () => {
  it('inserts or replaces one row named by its whole primary key, and refuses anything else', async () => {
    const put = (query: string, body: unknown) => rawRequest(stack, `/rest/v1/genres?${query}`, { method: 'PUT', body: JSON.stringify(body), headers: { Prefer: 'return=representation' } });
    expect((await put('id=eq.20', { id: 20, name: 'essay' })).json()).toEqual([{ id: 20, name: 'essay' }]);
    expect((await put('id=eq.20', { id: 20, name: 'essays' })).json()).toEqual([{ id: 20, name: 'essays' }]);
    expect((await put('name=eq.x', { id: 21, name: 'x' })).json()).toMatchObject({ code: 'PGRST105' });
    expect((await put('id=eq.22', { id: 23, name: 'y' })).json()).toMatchObject({ code: 'PGRST115' });
  });
});

describe('profiles', () => {
  it('reads and writes another exposed schema through Accept-Profile / Content-Profile', async () => {
    const archive = db.schema('archive');
    expect((await archive.from('books').select('title')).data).toEqual([{ title: 'Old Book' }]);
    await archive.from('books').insert({ id: 2, title: 'Older Book' });
    expect((await archive.from('books').select('id')).data).toHaveLength(2);
    const unknown = await rawRequest(stack, '/rest/v1/users', { headers: { 'Accept-Profile': 'auth' } });
    expect(unknown.status).toBe(406);
    expect(unknown.json()).toMatchObject({ code: 'PGRST106', message: 'Invalid schema: auth' });
  });
});
