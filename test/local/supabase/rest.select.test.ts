import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { rawRequest, serviceClient, startTestSupabase } from './supabase-test-helpers';

let stack: SupabaseLocal;
let db: SupabaseClient;

const ITEMS = [
  { id: 1, name: 'Villa Azul', price: 120.5, active: true, note: null, tags: ['sea', 'pool'] },
  { id: 2, name: 'villa verde', price: 80, active: false, note: 'quiet', tags: ['garden'] },
  { id: 3, name: 'Casa, "Sol"', price: 200, active: true, note: 'comma, quote', tags: [] },
  { id: 4, name: 'Loft Norte', price: null, active: null, note: 'no price', tags: ['city'] },
  { id: 5, name: 'Villa Mar', price: 80, active: true, note: null, tags: ['sea'] },
];

const ids = (data: unknown): number[] => (data as { id: number }[]).map((r) => r.id);

beforeAll(async () => {
  stack = await startTestSupabase();
  await stack.db.query(`
    create table public.items (id int primary key, name text not null, price numeric, active boolean, note text, tags text[] not null default '{}');
    create function public.items_cheaper_than(max_price numeric) returns setof public.items language sql stable as
      $$ select * from public.items where price < max_price order by id $$;
    create function public.add_numbers(a int, b int default 10) returns int language sql immutable as $$ select a + b $$;
    create function public.item_names() returns setof text language sql stable as $$ select name from public.items order by id $$;`);
  db = serviceClient(stack);
  const { error } = await db.from('items').insert(ITEMS);
  expect(error).toBeNull();
});

afterAll(async () => {
  await stack?.stop();
});

describe('select', () => {
  it('returns every column with * and only the named columns otherwise, with aliases', async () => {
    const all = await db.from('items').select('*').eq('id', 1);
    expect(all.error).toBeNull();
    expect(all.data).toEqual([{ id: 1, name: 'Villa Azul', price: 120.5, active: true, note: null, tags: ['sea', 'pool'] }]);
    const some = await db.from('items').select('id, title:name').eq('id', 2);
    expect(some.data).toEqual([{ id: 2, title: 'villa verde' }]);
  });

  it('applies eq, neq, gt, gte, lt, lte', async () => {
    expect(ids((await db.from('items').select('id').eq('price', 80).order('id')).data)).toEqual([2, 5]);
    expect(ids((await db.from('items').select('id').neq('price', 80).order('id')).data)).toEqual([1, 3]);
    expect(ids((await db.from('items').select('id').gt('price', 80).order('id')).data)).toEqual([1, 3]);
    expect(ids((await db.from('items').select('id').gte('price', 120.5).order('id')).data)).toEqual([1, 3]);
    expect(ids((await db.from('items').select('id').lt('price', 120.5).order('id')).data)).toEqual([2, 5]);
    expect(ids((await db.from('items').select('id').lte('price', 80).order('id')).data)).toEqual([2, 5]);
  });

  it('applies like (case-sensitive) and ilike with * and % wildcards', async () => {
    expect(ids((await db.from('items').select('id').like('name', 'Villa%').order('id')).data)).toEqual([1, 5]);
    expect(ids((await db.from('items').select('id').ilike('name', 'villa*').order('id')).data)).toEqual([1, 2, 5]);
  });

  it('applies is null / true / false and not.is', async () => {
    expect(ids((await db.from('items').select('id').is('price', null)).data)).toEqual([4]);
    expect(ids((await db.from('items').select('id').is('active', true).order('id')).data)).toEqual([1, 3, 5]);
    expect(ids((await db.from('items').select('id').is('active', false)).data)).toEqual([2]);
    expect(ids((await db.from('items').select('id').not('price', 'is', null).order('id')).data)).toEqual([1, 2, 3, 5]);
  });

  it('applies in with values that need quoting (commas, quotes) and not.in', async () => {
    expect(ids((await db.from('items').select('id').in('name', ['Casa, "Sol"', 'Villa Mar']).order('id')).data)).toEqual([3, 5]);
    expect(ids((await db.from('items').select('id').in('id', [2, 4]).order('id')).data)).toEqual([2, 4]);
    expect(ids((await db.from('items').select('id').not('id', 'in', '(1,2,3)').order('id')).data)).toEqual([4, 5]);
    expect((await db.from('items').select('id').in('id', [])).data).toEqual([]);
  });

  it('applies not.eq and filter() with any operator', async () => {
    expect(ids((await db.from('items').select('id').not('name', 'eq', 'Villa Azul').order('id')).data)).toEqual([2, 3, 4, 5]);
    expect(ids((await db.from('items').select('id').filter('price', 'gt', '100').order('id')).data)).toEqual([1, 3]);
  });

  it('applies or with nested and, and negated groups', async () => {
    const r = await db.from('items').select('id').or('id.eq.4,and(price.eq.80,active.is.true)').order('id');
    expect(r.error).toBeNull();
    expect(ids(r.data)).toEqual([4, 5]);
    const quoted = await db.from('items').select('id').or('name.eq."Casa, \\"Sol\\"",id.in.(1,2)').order('id');
    expect(quoted.error).toBeNull();
    expect(ids(quoted.data)).toEqual([1, 2, 3]);
    const negated = await db.from('items').select('id').or('not.and(price.gte.80,active.is.true),id.eq.1').order('id');
    expect(ids(negated.data)).toEqual([1, 2, 4]);
  });

  it('orders by several columns, asc/desc, nulls first/last', async () => {
    const r = await db.from('items').select('id').order('price', { ascending: false, nullsFirst: true }).order('id', { ascending: true });
    expect(ids(r.data)).toEqual([4, 3, 1, 2, 5]);
    const last = await db.from('items').select('id').order('price', { ascending: true, nullsFirst: false }).order('id', { ascending: false });
    expect(ids(last.data)).toEqual([5, 2, 1, 3, 4]);
  });

  it('limits, offsets with range(), and counts exactly', async () => {
    expect(ids((await db.from('items').select('id').order('id').limit(2)).data)).toEqual([1, 2]);
    const page = await db.from('items').select('id', { count: 'exact' }).order('id').range(1, 2);
    expect(ids(page.data)).toEqual([2, 3]);
    expect(page.count).toBe(5);
    const head = await db.from('items').select('*', { count: 'exact', head: true }).eq('price', 80);
    expect(head.data).toBeNull();
    expect(head.count).toBe(2);
  });

  it('honours a Range header and answers Content-Range', async () => {
    const r = await rawRequest(stack, '/rest/v1/items?select=id&order=id', { headers: { Range: '1-3', 'Range-Unit': 'items', Prefer: 'count=exact' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('1-3/5');
    expect(ids(r.json())).toEqual([2, 3, 4]);
    const plain = await rawRequest(stack, '/rest/v1/items?select=id&id=gt.100');
    expect(plain.headers.get('content-range')).toBe('*/*');
  });

  it('single() returns one object, or 406 PGRST116 for zero or several rows', async () => {
    const one = await db.from('items').select('id, name').eq('id', 2).single();
    expect(one.data).toEqual({ id: 2, name: 'villa verde' });
    const none = await db.from('items').select().eq('id', 99).single();
    expect(none.status).toBe(406);
    expect(none.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows' });
    const many = await db.from('items').select().eq('price', 80).single();
    expect(many.status).toBe(406);
    expect(many.error?.code).toBe('PGRST116');
  });

  it('maybeSingle() returns null for no row and the object for one', async () => {
    expect((await db.from('items').select('id').eq('id', 99).maybeSingle()).data).toBeNull();
    expect((await db.from('items').select('id').eq('id', 3).maybeSingle()).data).toEqual({ id: 3 });
  });
});

describe('rpc', () => {
  it('calls a scalar function with JSON named args, defaults filled by Postgres', async () => {
    expect((await db.rpc('add_numbers', { a: 2, b: 3 })).data).toBe(5);
    expect((await db.rpc('add_numbers', { a: 2 })).data).toBe(12);
  });

  it('calls with GET and returns set-returning functions as arrays', async () => {
    const viaGet = await db.rpc('items_cheaper_than', { max_price: 100 }, { get: true });
    expect(viaGet.error).toBeNull();
    expect(ids(viaGet.data)).toEqual([2, 5]);
    expect((await db.rpc('item_names')).data).toEqual(ITEMS.map((i) => i.name));
  });

  it('answers 404 PGRST202 for an unknown function or unknown argument names', async () => {
    const missing = await db.rpc('no_such_function', {});
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe('PGRST202');
    const badArg = await db.rpc('add_numbers', { x: 1 });
    expect(badArg.status).toBe(404);
    expect(badArg.error?.message).toContain('add_numbers(x)');
  });
});
