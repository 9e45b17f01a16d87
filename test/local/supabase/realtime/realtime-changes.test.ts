import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, newUserId, startHarness, waitFor, type Harness } from './realtime-harness';

describe('postgres_changes through real supabase-js', () => {
  let h: Harness;
  const alice = newUserId();
  const bob = newUserId();

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const insertJob = async (userId: string, extra: { status?: string; progress?: number } = {}): Promise<string> => {
    const { rows } = await h.db.query<{ id: string }>(
      'insert into public.video_jobs (user_id, status, progress, file_size_mb, tags) values ($1, $2, $3, 12.5, $4) returning id',
      [userId, extra.status ?? 'queued', extra.progress ?? 0, ['a', 'b']],
    );
    return rows[0]!.id;
  };

  it('delivers an INSERT with new, eventType, commit_timestamp and typed values', async () => {
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'ins-' + alice, [{ event: 'INSERT' }]);
    expect(l.systems[0]).toMatchObject({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL' });

    const id = await insertJob(alice);
    const change = await waitFor(() => l.changes[0], 5000, 'INSERT event');
    expect(change.eventType).toBe('INSERT');
    expect(change.schema).toBe('public');
    expect(change.table).toBe('video_jobs');
    expect(change.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(change.new).toMatchObject({ id, user_id: alice, status: 'queued', progress: 0, file_size_mb: 12.5, tags: ['a', 'b'] });
    expect(typeof (change.new as Record<string, unknown>).created_at).toBe('string');
    expect(change.old).toEqual({});
    expect(change.errors).toBeNull();
    await client.removeAllChannels();
  });

  it('delivers UPDATE with the old primary key, and honours an eq filter', async () => {
    const client = await h.client(await h.userToken(alice));
    const id = await insertJob(alice);
    const other = await insertJob(alice);
    const l = await listen(client, 'upd-' + alice, [{ event: 'UPDATE', filter: `id=eq.${id}` }]);

    await h.db.query('update public.video_jobs set progress = 40 where id = $1', [other]);
    await h.db.query('update public.video_jobs set progress = 50, status = $2 where id = $1', [id, 'generating']);
    const change = await waitFor(() => l.changes[0], 5000, 'UPDATE event');
    expect(change.eventType).toBe('UPDATE');
    expect(change.new).toMatchObject({ id, progress: 50, status: 'generating' });
    // Default replica identity: Supabase only knows the old key.
    expect(change.old).toEqual({ id });
    // Give the filtered-out update time to arrive if it wrongly would: one more change flushes the pipe.
    await h.db.query('update public.video_jobs set progress = 60 where id = $1', [id]);
    await waitFor(() => l.changes[1], 5000, 'second UPDATE');
    expect(l.changes.map((c) => (c.new as { id: string }).id)).toEqual([id, id]);
    await client.removeAllChannels();
  });

  it('applies neq, lt, lte, gt, gte and in filters by the column type', async () => {
    const client = await h.client(await h.userToken(alice));
    const topic = 'ops-' + alice;
    const l = await listen(client, topic, [
      { event: 'INSERT', filter: 'progress=gt.9' },
      { event: 'INSERT', filter: 'progress=lte.2' },
      { event: 'INSERT', filter: 'status=in.(rendering,"failed")' },
      { event: 'INSERT', filter: 'status=neq.queued' },
    ]);
    const ids = l.channel.bindings.postgres_changes!.map((b) => (b as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(4);

    await insertJob(alice, { progress: 10, status: 'queued' }); // gt.9 (numeric, not text: "10" < "9")
    await insertJob(alice, { progress: 2, status: 'queued' }); // lte.2
    await insertJob(alice, { progress: 5, status: 'rendering' }); // in + neq
    await insertJob(alice, { progress: 5, status: 'queued' }); // none
    await insertJob(alice, { progress: 100, status: 'failed' }); // gt + in + neq: one callback per binding
    await waitFor(() => (l.changes.length >= 7 ? true : undefined), 5000, 'seven callbacks');
    const seen = l.changes.map((c) => `${(c.new as { progress: number }).progress}/${(c.new as { status: string }).status}`);
    expect(seen.sort()).toEqual(['10/queued', '100/failed', '100/failed', '100/failed', '2/queued', '5/rendering', '5/rendering']);
    expect(seen).not.toContain('5/queued');
    await client.removeAllChannels();
  });

  it('delivers * events and DELETE with the primary key only (RLS table)', async () => {
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'all-' + alice, [{ event: '*' }]);
    // One at a time: like Supabase, RLS is checked against the live row by primary key just
    // after commit, so a row already deleted by then is not delivered for its INSERT/UPDATE.
    const id = await insertJob(alice);
    await waitFor(() => l.changes[0], 5000, 'INSERT');
    await h.db.query('update public.video_jobs set status = $2 where id = $1', [id, 'completed']);
    await waitFor(() => l.changes[1], 5000, 'UPDATE');
    await h.db.query('delete from public.video_jobs where id = $1', [id]);
    await waitFor(() => l.changes[2], 5000, 'DELETE');
    expect(l.changes.map((c) => c.eventType)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    const del = l.changes[2]!;
    expect(del.new).toEqual({});
    expect(del.old).toEqual({ id });
    await client.removeAllChannels();
  });

  it("never tells one user about another user's rows, and tells anon nothing", async () => {
    const aliceClient = await h.client(await h.userToken(alice));
    const bobClient = await h.client(await h.userToken(bob));
    const anonClient = await h.client();
    const service = await h.client(h.serviceRoleKey);
    const la = await listen(aliceClient, 'rls', [{ event: 'INSERT' }]);
    const lb = await listen(bobClient, 'rls', [{ event: 'INSERT' }]);
    const ln = await listen(anonClient, 'rls', [{ event: 'INSERT' }]);
    const ls = await listen(service, 'rls', [{ event: 'INSERT' }]);

    const a1 = await insertJob(alice);
    const b1 = await insertJob(bob);
    const a2 = await insertJob(alice);
    await waitFor(() => (ls.changes.length >= 3 ? true : undefined), 5000, 'service role sees all three');
    await waitFor(() => (la.changes.length >= 2 && lb.changes.length >= 1 ? true : undefined), 5000, 'owners see theirs');
    const idsOf = (l: typeof la): string[] => l.changes.map((c) => (c.new as { id: string }).id);
    expect(idsOf(la)).toEqual([a1, a2]);
    expect(idsOf(lb)).toEqual([b1]);
    expect(ln.changes).toEqual([]);
    expect(idsOf(ls)).toEqual([a1, b1, a2]);
  });
});
