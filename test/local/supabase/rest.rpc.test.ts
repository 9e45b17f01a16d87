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

describe('RPC arguments', () => {
  it('calls with named arguments by POST and GET, choosing the overload by argument names', async () => {
    expect((await db.rpc('add', { a: 1, b: 2 })).data).toBe(3);
    expect((await db.rpc('add', { a: 1, b: 2, c: 3 }, { get: true })).data).toBe(6);
  });

  it('answers PGRST203 when two overloads match, and PGRST202 with a hint when none does', async () => {
    const ambiguous = await db.rpc('pick', { x: 1 });
    expect(ambiguous.status).toBe(300);
    expect(ambiguous.error).toMatchObject({ code: 'PGRST203', message: 'Could not choose the best candidate function between: public.pick(x => text), public.pick(x => integer)' });
    const missing = await db.rpc('add', { a: 1 });
    expect(missing.status).toBe(404);
    expect(missing.error).toMatchObject({ code: 'PGRST202', message: 'Could not find the function public.add(a) in the schema cache' });
    expect(missing.error?.hint).toMatch(/^Perhaps you meant to call the function public\.add\(a, b/);
  });

  it('passes a whole body to a single unnamed json or text parameter', async () => {
    expect((await db.rpc('echo_json', { any: ['thing'] })).data).toEqual({ any: ['thing'] });
    const text = await rawRequest(stack, '/rest/v1/rpc/shout', { method: 'POST', body: 'quiet please', headers: { 'Content-Type': 'text/plain' } });
    expect(text.json()).toBe('QUIET PLEASE');
  });

  it('takes a row-type argument as a JSON object and variadic arguments as an array or repeated query keys', async () => {
    const rows = await db.rpc('books_by', { author: { id: 2, name: 'whoever' } }).select('title');
    expect(rows.data).toEqual([{ title: 'Solaris' }]);
    expect((await db.rpc('total', { nums: [1, 2, 3] })).data).toBe(6);
    expect((await rawRequest(stack, '/rest/v1/rpc/total?nums=4&nums=5')).json()).toBe(9);
  });
});

describe('RPC results', () => {
  it('reads a set of rows like a table: select, filters, order, limit, embedding and counts', async () => {
    const r = await db
      .rpc('long_books_of', { min_pages: 250 }, { count: 'exact' })
      .select('title, pages, authors!author_id(name)')
      .neq('author_id', 2)
      .order('pages', { ascending: false })
      .limit(2);
    expect(r.error).toBeNull();
    expect(r.count).toBe(3);
    expect(r.data).toEqual([
      { title: 'The Dispossessed', pages: 387, authors: { name: 'Ursula' } },
      { title: 'The Left Hand of Darkness', pages: 304, authors: { name: 'Ursula' } },
    ]);
  });

  it('answers TABLE results, scalar sets, single rows and void', async () => {
    expect((await db.rpc('author_stats').eq('author', 'Ursula')).data).toEqual([{ author: 'Ursula', books: 2 }]);
    expect((await db.rpc('numbers', { n: 3 })).data).toEqual([1, 2, 3]);
    const touched = await db.rpc('touch');
    expect(touched.status).toBe(204);
  });

  it('rolls back a volatile call with Prefer: tx=rollback and still answers its result', async () => {
    const r = await rawRequest(stack, '/rest/v1/rpc/rename_author', { method: 'POST', body: JSON.stringify({ author_id: 3, new_name: 'Renamed' }), headers: { Prefer: 'tx=rollback' } });
    expect(r.json()).toMatchObject({ id: 3, name: 'Renamed' });
    expect(r.headers.get('preference-applied')).toContain('tx=rollback');
    expect((await db.from('authors').select('name').eq('id', 3).single()).data).toEqual({ name: 'Octavia' });
  });

  it('calls functions of another exposed schema through Content-Profile / Accept-Profile', async () => {
    expect((await db.schema('archive').rpc('count_books')).data).toBe(1);
    const unknown = await rawRequest(stack, '/rest/v1/rpc/count_books', { method: 'POST', body: '{}', headers: { 'Content-Profile': 'auth' } });
    expect(unknown.status).toBe(406);
    expect(unknown.json()).toMatchObject({ code: 'PGRST106', message: 'Invalid schema: auth', hint: 'Only the following schemas are exposed: public, archive' });
  });
});
