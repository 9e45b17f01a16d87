import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, newUserId, startHarness, waitFor, type Harness } from './realtime-harness';
import { TEST_BACKEND } from '../../../helpers/test-database';

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
    // A duplicate or a missing change says more with the channel's statuses (a rejoin would show
    // here) and the server's log beside it.
    expect(seen.sort(), `statuses ${l.statuses.join(',')}; server log: ${h.logs.join(' | ')}`).toEqual([
      '10/queued', '100/failed', '100/failed', '100/failed', '2/queued', '5/rendering', '5/rendering',
    ]);
    expect(seen).not.toContain('5/queued');
    await client.removeAllChannels();
  });

  it('delivers changes once each and in order when one read of realtime.changes spans ids of different lengths (9, 10, 11)', async () => {
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'order-' + alice, [{ event: 'INSERT', filter: `user_id=eq.${alice}` }]);
    // Move the capture sequence just below a power of ten, so the next three changes get ids like
    // 9, 10, 11 (or 99, 100, 101): sorted as text they come 10, 11, 9.
    await h.db.query(`select setval('realtime.changes_id_seq', (10 ^ length((last_value + 1)::text))::bigint - 2) from realtime.changes_id_seq`);
    // One statement, one commit: the first NOTIFY's read sees all three rows at once.
    await h.db.query(`insert into public.video_jobs (user_id, progress) values ($1, 1), ($1, 2), ($1, 3)`, [alice]);
    // A later change: its read starts where the previous one stopped, so a re-read would show here.
    await insertJob(alice, { progress: 4 });
    await waitFor(() => l.changes.find((c) => (c.new as { progress: number }).progress === 4), 5000, 'the fourth INSERT');
    const progress = l.changes.map((c) => (c.new as { progress: number }).progress);
    expect(progress, `statuses ${l.statuses.join(',')}; server log: ${h.logs.join(' | ')}`).toEqual([1, 2, 3, 4]);
    await client.removeAllChannels();
  });

  // PGlite has one connection: its transactions never interleave, so only a real server can show this.
  it.runIf(TEST_BACKEND === 'postgres')('delivers a change whose transaction commits after a later one (ids are taken at write, not at commit)', async () => {
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'late-' + alice, [{ event: 'INSERT', filter: `user_id=eq.${alice}` }]);
    const progressSeen = () => l.changes.map((c) => (c.new as { progress: number }).progress);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    // This transaction takes the lower id, then stays open while another one takes the next and commits.
    const slow = h.db.transaction(async (tx) => {
      await tx.query(`insert into public.video_jobs (user_id, progress) values ($1, 1)`, [alice]);
      written();
      await held;
    });
    await wrote;
    await insertJob(alice, { progress: 2 });
    await waitFor(() => (progressSeen().includes(2) ? true : undefined), 5000, 'the change committed first');
    release();
    await slow;
    await waitFor(() => (progressSeen().includes(1) ? true : undefined), 5000, `the change committed last (seen ${progressSeen().join(',')}; server log: ${h.logs.join(' | ')})`);
    expect(progressSeen()).toEqual([2, 1]);
    await client.removeAllChannels();
  });

  it('delivers * events and DELETE with the primary key only (RLS table)', async () => {
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'all-' + alice, [{ event: '*' }]);
    // One at a time: like Supabase, RLS is checked against the live row by primary key just
    // after commit, so a row already deleted by then is not delivered for its INSERT/UPDATE.
    const id = await insertJob(alice);
    // Only this row's changes: a change committed by an earlier test may still be on its way
    // (on a real Postgres the NOTIFY comes over another connection), and '*' hears it too.
    const mine = (): typeof l.changes => l.changes.filter((c) => ((c.new as { id?: string }).id ?? (c.old as { id?: string }).id) === id);
    await waitFor(() => mine()[0], 5000, 'INSERT');
    await h.db.query('update public.video_jobs set status = $2 where id = $1', [id, 'completed']);
    await waitFor(() => mine()[1], 5000, 'UPDATE');
    await h.db.query('delete from public.video_jobs where id = $1', [id]);
    await waitFor(() => mine()[2], 5000, 'DELETE');
    expect(mine().map((c) => c.eventType)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    const del = mine()[2]!;
    expect(del.new).toEqual({});
    expect(del.old).toEqual({ id });
    await client.removeAllChannels();
  });

  it('hears a filtered DELETE only when the old row shows the filtered column: the key always, others with REPLICA IDENTITY FULL', async () => {
    const client = await h.client(await h.userToken(alice));
    const [a1, a2, a3] = [await insertJob(alice), await insertJob(alice), await insertJob(alice)];
    const heard: Record<'byUser' | 'byBob' | 'byKey' | 'flush', Record<string, unknown>[]> = { byUser: [], byBob: [], byKey: [], flush: [] };
    const channel = client.channel('del-filters');
    const on = (into: keyof typeof heard, event: 'DELETE' | 'INSERT', filter?: string): void => {
      channel.on('postgres_changes' as never, { event, schema: 'public', table: 'video_jobs', ...(filter ? { filter } : {}) } as never, ((p: { old: Record<string, unknown>; new: Record<string, unknown> }) =>
        heard[into].push(event === 'DELETE' ? p.old : p.new)) as never);
    };
    on('byUser', 'DELETE', `user_id=eq.${alice}`);
    on('byBob', 'DELETE', `user_id=eq.${bob}`);
    on('byKey', 'DELETE', `id=in.(${a1},${a3})`);
    on('flush', 'INSERT', `user_id=eq.${alice}`);
    await new Promise<void>((resolve, reject) => channel.subscribe((st, err) => (st === 'SUBSCRIBED' ? resolve() : err && reject(err))));
    // Every change is delivered in order: once the INSERT after a DELETE is heard, so is the DELETE if it was going to be.
    const deleteThenFlush = async (id: string): Promise<void> => {
      const before = heard.flush.length;
      await h.db.query('delete from public.video_jobs where id = $1', [id]);
      await insertJob(alice);
      await waitFor(() => (heard.flush.length > before ? true : undefined), 5000, 'flush INSERT');
    };

    // Default replica identity: the old row is its key only, so a user_id filter cannot match.
    await deleteThenFlush(a1);
    expect(heard.byKey).toEqual([{ id: a1 }]);
    expect(heard.byUser).toEqual([]);

    await h.db.query('alter table public.video_jobs replica identity full');
    try {
      await deleteThenFlush(a2);
      // Now the whole old row is known and the filter matches; RLS is on, so only the key goes out.
      expect(heard.byUser).toEqual([{ id: a2 }]);
      await deleteThenFlush(a3);
      expect(heard.byUser).toEqual([{ id: a2 }, { id: a3 }]);
      expect(heard.byKey).toEqual([{ id: a1 }, { id: a3 }]);
      expect(heard.byBob).toEqual([]);
    } finally {
      await h.db.query('alter table public.video_jobs replica identity default');
    }
    await client.removeAllChannels();
  });

  it('sends the whole old row of a DELETE on a table without RLS and with REPLICA IDENTITY FULL, and nothing of columns a role may not read', async () => {
    await h.db.query(`
      create table public.notes (id int primary key, owner text, body text, secret text);
      alter table public.notes replica identity full;
      revoke select on public.notes from authenticated;
      grant select (id, owner, body) on public.notes to authenticated;
      alter publication supabase_realtime add table public.notes;
      insert into public.notes values (1, 'alice', 'hello', 's1'), (2, 'bob', 'bye', 's2');`);
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'notes', [{ event: 'DELETE', table: 'notes', filter: 'owner=eq.alice' }, { event: 'UPDATE', table: 'notes' }]);
    await h.db.query('delete from public.notes where id in (1, 2)');
    const del = await waitFor(() => l.changes.find((c) => c.eventType === 'DELETE'), 5000, 'DELETE on notes');
    expect(del.old).toEqual({ id: 1, owner: 'alice', body: 'hello' });
    // A filter on a column the role may not SELECT is refused when joining, as Supabase's trigger does.
    const refused = await listen(client, 'notes-secret', [{ event: '*', table: 'notes', filter: 'secret=eq.s1' }]);
    expect(refused.systems[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/Exception: invalid column for filter secret$/) });
    await client.removeAllChannels();
  });

  it("filters with Supabase's other operators: like, ilike, is, match, imatch, isdistinct and not.", async () => {
    const client = await h.client(await h.userToken(alice));
    const filters = {
      like: 'status=like.rend%',
      ilike: 'status=ilike.QUEUE_',
      isNull: 'file_size_mb=is.null',
      notIsNull: 'file_size_mb=not.is.null',
      match: 'status=match.^(fail|rend)',
      imatch: 'status=imatch.^FAIL',
      distinct: 'status=isdistinct.queued',
      notEq: 'status=not.eq.queued',
      notIn: 'progress=not.in.(1,2,3)',
      // Top-level commas separate filters (braces do not group), so an array value is quoted.
      tagsEq: 'tags=eq."{a,b}"',
    };
    const heard: Record<string, string[]> = {};
    const channel = client.channel('ops2');
    const sys: unknown[] = [];
    channel.on('system' as never, {} as never, ((p: unknown) => sys.push(p)) as never);
    for (const [name, filter] of Object.entries(filters)) {
      heard[name] = [];
      channel.on('postgres_changes' as never, { event: 'INSERT', schema: 'public', table: 'video_jobs', filter } as never, ((p: { new: { status: string } }) =>
        heard[name]!.push(p.new.status)) as never);
    }
    await new Promise<void>((resolve, reject) => channel.subscribe((st, err) => (st === 'SUBSCRIBED' ? resolve() : err && reject(err))));
    await h.db.query(
      `insert into public.video_jobs (user_id, status, progress, file_size_mb, tags) values
         ($1, 'queued', 1, null, '{a,b}'), ($1, 'rendering', 5, 2.5, '{}'), ($1, 'failed', 9, null, '{a}')`,
      [alice],
    );
    await waitFor(() => (Object.values(heard).flat().length >= 15 ? true : undefined), 5000, 'fifteen callbacks');
    expect(sys).toMatchObject([{ extension: 'postgres_changes', status: 'ok' }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual({
      like: ['rendering'],
      ilike: ['queued'],
      isNull: ['queued', 'failed'],
      notIsNull: ['rendering'],
      match: ['rendering', 'failed'],
      imatch: ['failed'],
      distinct: ['rendering', 'failed'],
      notEq: ['rendering', 'failed'],
      notIn: ['rendering', 'failed'],
      tagsEq: ['queued'],
    });
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
