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

describe('relationships discovered from foreign keys', () => {
  it('embeds many-to-one as an object and one-to-many as an array', async () => {
    const { data, error } = await db.from('books').select('title, author:authors!author_id(name)').eq('id', 2).single();
    expect(error).toBeNull();
    expect(data).toEqual({ title: 'Solaris', author: { name: 'Stanislaw' } });
    const authors = await db.from('authors').select('name, books!author_id(title)').eq('id', 1).single();
    expect(authors.data?.books.map((b: { title: string }) => b.title).sort()).toEqual(['The Dispossessed', 'The Left Hand of Darkness']);
  });

  it('refuses an ambiguous embed with PostgREST 300 PGRST201, listing the relationships to hint with', async () => {
    const r = await db.from('books').select('authors(name)');
    expect(r.status).toBe(300);
    expect(r.error).toMatchObject({ code: 'PGRST201', message: "Could not embed because more than one relationship was found for 'books' and 'authors'" });
    expect(r.error?.hint).toContain("'authors!books_author_id_fkey'");
    expect(r.error?.details).toEqual(expect.arrayContaining([expect.objectContaining({ cardinality: 'many-to-one', relationship: 'books_editor_id_fkey using books(editor_id) and authors(id)' })]));
  });

  it('embeds one-to-one as an object, many-to-many through the join table, and self-references both ways', async () => {
    const one = await db.from('authors').select('name, author_profiles(website)').order('id');
    expect(one.data?.map((a) => a.author_profiles)).toEqual([{ website: 'https://ursula.example' }, null, null]);
    const many = await db.from('books').select('title, genres(name)').eq('id', 3).single();
    expect(many.data?.genres.map((g: { name: string }) => g.name).sort()).toEqual(['historical', 'literary']);
    const up = await db.from('staff').select('name, boss:manager_id(name)').eq('id', 3).single();
    expect(up.data).toEqual({ name: 'Assistant', boss: { name: 'Editor' } });
    const down = await db.from('staff').select('name, reports:staff(name)').eq('id', 2).single();
    expect(down.data?.reports.map((s: { name: string }) => s.name).sort()).toEqual(['Assistant', 'Intern']);
  });

  it('answers PGRST200 for a relation that does not exist, with the hint and the schema searched', async () => {
    const r = await db.from('books').select('title, publishers(*)');
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({ code: 'PGRST200', message: "Could not find a relationship between 'books' and 'publishers' in the schema cache" });
    expect(r.error?.details).toBe("Searched for a foreign key relationship between 'books' and 'publishers' in the schema 'public', but no matches were found.");
  });

  it('embeds through a view over a table', async () => {
    const r = await db.from('long_books').select('title, authors(name)').order('id');
    expect(r.error).toBeNull();
    expect(r.data).toEqual([
      { title: 'The Dispossessed', authors: { name: 'Ursula' } },
      { title: 'The Left Hand of Darkness', authors: { name: 'Ursula' } },
    ]);
  });
});

describe('embedded filters, order, limit, inner and left joins', () => {
  it('filters, orders and limits inside the embed without dropping parents; !inner drops them', async () => {
    const r = await db
      .from('authors')
      .select('name, books!author_id(title, pages)')
      .gt('books.pages', 300)
      .order('pages', { referencedTable: 'books', ascending: false })
      .limit(1, { referencedTable: 'books' })
      .order('id');
    expect(r.data).toEqual([
      { name: 'Ursula', books: [{ title: 'The Dispossessed', pages: 387 }] },
      { name: 'Stanislaw', books: [] },
      { name: 'Octavia', books: [] },
    ]);
    const inner = await db.from('authors').select('name, books!author_id!inner(title)').eq('books.title', 'Kindred');
    expect(inner.data).toEqual([{ name: 'Octavia', books: [{ title: 'Kindred' }] }]);
  });

  it('filters parents on the presence of an embed (is.null / not.is.null)', async () => {
    const r = await db.from('books').select('title, editor:authors!editor_id(name)').not('editor', 'is', null).order('id');
    expect(r.data?.map((b) => b.title)).toEqual(['The Dispossessed', 'Kindred']);
  });

  it('refuses a filter on a resource that is not embedded (PGRST108)', async () => {
    const r = await rawRequest(stack, '/rest/v1/authors?select=name&books.pages=gt.1');
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ code: 'PGRST108', message: "'books' is not an embedded resource in this request" });
  });
});

describe('spread, aggregates, computed fields and relationships', () => {
  it('spreads a to-one embed into its parent and a to-many one into arrays', async () => {
    const one = await db.from('books').select('title, ...authors!author_id(author:name)').eq('id', 1).single();
    expect(one.data).toEqual({ title: 'The Dispossessed', author: 'Ursula' });
    const many = await db.from('authors').select('name, ...books!author_id(title)').eq('id', 2).single();
    expect(many.data).toEqual({ name: 'Stanislaw', title: ['Solaris'] });
  });

  it('aggregates with grouping, at the top and inside embeds', async () => {
    const top = await db.from('books').select('author_id, count(), pages.sum(), pages.max()').order('author_id');
    expect(top.data).toEqual([
      { author_id: 1, count: 2, sum: 691, max: 387 },
      { author_id: 2, count: 1, sum: 204, max: 204 },
      { author_id: 3, count: 1, sum: 264, max: 264 },
    ]);
    const nested = await db.from('authors').select('name, books!author_id(count), avg:books!author_id(pages.avg())').eq('id', 1).single();
    expect(nested.data?.books).toEqual([{ count: 2 }]);
    expect(Number(nested.data?.avg[0]?.avg)).toBeCloseTo(345.5);
  });

  it('selects, filters and orders by a computed field, and embeds a computed relationship', async () => {
    const r = await db.from('books').select('id, title_upper').like('title_upper', '*DARK*');
    expect(r.data).toEqual([{ id: 4, title_upper: 'THE LEFT HAND OF DARKNESS' }]);
    const rel = await db.from('authors').select('name, co_authored(title)').eq('id', 2).single();
    expect(rel.data).toEqual({ name: 'Stanislaw', co_authored: [{ title: 'The Dispossessed' }] });
  });

  it('refuses aggregates when PostgREST would (unknown column keeps its Postgres error)', async () => {
    const r = await db.from('books').select('missing.sum()');
    expect(r.error).toMatchObject({ code: '42703', message: 'column books.missing does not exist' });
  });
});
