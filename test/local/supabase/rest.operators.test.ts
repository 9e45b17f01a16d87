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

const ids = (rows: Array<{ id: number }> | null): number[] => (rows ?? []).map((r) => r.id).sort();

describe('operators', () => {
  it('range operators sl sr nxl nxr adj and array operators cs cd ov', async () => {
    expect(ids((await db.from('authors').select('id').rangeLt('born', '[2007,2030)')).data)).toEqual([2, 3]);
    expect(ids((await db.from('authors').select('id').rangeGt('born', '[1900,1925)')).data)).toEqual([1, 3]);
    expect(ids((await db.from('authors').select('id').rangeAdjacent('born', '[2006,2010)')).data)).toEqual([2, 3]);
    expect(ids((await db.from('authors').select('id').rangeGte('born', '[1925,1930)')).data)).toEqual([1, 3]);
    expect(ids((await db.from('authors').select('id').rangeLte('born', '[1900,2010)')).data)).toEqual([2, 3]);
    expect(ids((await db.from('books').select('id').contains('tags', ['winter'])).data)).toEqual([4]);
    expect(ids((await db.from('books').select('id').containedBy('tags', ['ocean', 'contact', 'x'])).data)).toEqual([2]);
    expect(ids((await db.from('books').select('id').overlaps('tags', ['time', 'utopia'])).data)).toEqual([1, 3]);
  });

  it('full-text search fts plfts phfts wfts, with a language', async () => {
    expect(ids((await db.from('books').select('id').textSearch('summary', 'planet & ocean', { config: 'english' })).data)).toEqual([2]);
    expect(ids((await db.from('books').select('id').textSearch('summary', 'winter planet', { type: 'plain', config: 'english' })).data)).toEqual([4]);
    expect(ids((await db.from('books').select('id').textSearch('summary', 'time travel', { type: 'phrase', config: 'english' })).data)).toEqual([3]);
    expect(ids((await db.from('books').select('id').textSearch('summary', 'planet -ocean', { type: 'websearch', config: 'english' })).data)).toEqual([4]);
  });

  it('like(any)/like(all), ilike, match/imatch, isdistinct, is, in, not', async () => {
    expect(ids((await db.from('books').select('id').likeAnyOf('title', ['Sol*', 'Kin*'])).data)).toEqual([2, 3]);
    expect(ids((await db.from('books').select('id').likeAllOf('title', ['The*', '*Darkness'])).data)).toEqual([4]);
    expect(ids((await db.from('books').select('id').ilike('title', '*SOLARIS*')).data)).toEqual([2]);
    expect(ids((await db.from('books').select('id').match({ author_id: 1 }).filter('title', 'imatch', '^the d')).data)).toEqual([1]);
    expect(ids((await db.from('books').select('id').filter('editor_id', 'isdistinct', '1')).data)).toEqual([1, 2, 4]);
    expect(ids((await db.from('books').select('id').is('meta', null)).data)).toEqual([3]);
    expect(ids((await db.from('books').select('id').not('id', 'in', '(1,2)')).data)).toEqual([3, 4]);
    expect(ids((await db.from('books').select('id').or('pages.lt.250,and(author_id.eq.1,pages.gt.350)')).data)).toEqual([1, 2]);
  });
});

describe('fields: JSON paths, casts, quoted names', () => {
  it('reads, filters and orders by JSON paths, and casts in select', async () => {
    const r = await db.from('authors').select('id::text, country:bio->>country, hugos:bio->awards->hugo').not('bio', 'is', null).order('bio->awards->hugo', { ascending: false });
    expect(r.data).toEqual([
      { id: '1', country: 'US', hugos: 5 },
      { id: '2', country: 'PL', hugos: 0 },
    ]);
    expect(ids((await db.from('books').select('id').eq('meta->prizes->>0', 'hugo')).data)).toEqual([1]);
  });

  it('accepts quoted identifiers with spaces and capitals', async () => {
    const r = await rawRequest(stack, `/rest/v1/odd%20names?select=${encodeURIComponent('"the id","Mixed Case"')}&${encodeURIComponent('"the id"')}=eq.2`);
    expect(r.json()).toEqual([{ 'the id': 2, 'Mixed Case': 'second' }]);
  });

  it('keeps request text out of SQL: aliases and JSON keys travel as values', async () => {
    const alias = `x") from books; drop table books; --`;
    const r = await rawRequest(stack, `/rest/v1/books?select=${encodeURIComponent(`"${alias.replace(/"/g, '\\"')}":id,meta->>"isbn'); drop table books; --"`)}&id=eq.1`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual([{ [alias]: 1, "isbn'); drop table books; --": null }]);
    const cast = await db.from('books').select('id::text; drop table books');
    expect(cast.status).toBe(400);
    expect((await db.from('books').select('id', { count: 'exact', head: true })).count).toBe(4);
  });
});
