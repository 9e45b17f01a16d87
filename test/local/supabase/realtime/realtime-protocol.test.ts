import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket } from './raw-socket';
import { listen, newUserId, signToken, startHarness, waitFor, type Harness } from './realtime-harness';

describe('Phoenix protocol edges', () => {
  let h: Harness;
  const alice = newUserId();

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const insertJob = async (userId: string): Promise<string> => {
    const { rows } = await h.db.query<{ id: string }>('insert into public.video_jobs (user_id) values ($1) returning id', [userId]);
    return rows[0]!.id;
  };

  it('speaks vsn 1.0.0 (JSON objects): heartbeat, join reply with ids, system message, changes', async () => {
    const s = await RawSocket.open(h.url, await h.userToken(alice), '1.0.0');
    s.push('phoenix', 'heartbeat', {}, '1');
    expect((await s.reply('1')).payload).toEqual({ status: 'ok', response: {} });

    const binding = { event: 'INSERT', schema: 'public', table: 'video_jobs', filter: `user_id=eq.${alice}` };
    s.push('realtime:v1', 'phx_join', { config: { postgres_changes: [binding], broadcast: { replication_ready: 'true' } }, access_token: await h.userToken(alice) }, '2', '2');
    const reply = await s.reply('2');
    expect(reply).toMatchObject({ topic: 'realtime:v1', join_ref: '2', payload: { status: 'ok' } });
    const bound = (reply.payload.response as { postgres_changes: { id: number }[] }).postgres_changes;
    expect(bound).toEqual([{ ...binding, id: expect.any(Number) }]);
    const system = await s.next((f) => f.event === 'system' && f.payload.extension === 'postgres_changes', 'system message');
    expect(system.payload).toEqual({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'v1' });
    // Opted in (as a string: Supabase's flexible booleans), the client is told replication is ready.
    expect(s.frames.find((f) => f.event === 'system' && f.payload.extension === 'system')?.payload).toEqual({
      extension: 'system',
      status: 'ok',
      message: 'Replication connection established',
      channel: 'v1',
    });

    const id = await insertJob(alice);
    const change = await s.next((f) => f.event === 'postgres_changes', 'postgres_changes frame');
    expect(change.payload.ids).toEqual([bound[0]!.id]);
    expect(change.payload.data).toMatchObject({ schema: 'public', table: 'video_jobs', type: 'INSERT', record: { id, user_id: alice }, errors: null });
    expect((change.payload.data as { columns: unknown[] }).columns).toContainEqual({ name: 'user_id', type: 'uuid' });
    s.close();
  });

  it('works with supabase-js on vsn 1.0.0 too', async () => {
    const client = await h.client(await h.userToken(alice), { vsn: '1.0.0' });
    const l = await listen(client, 'js-v1', [{ event: 'INSERT' }]);
    const id = await insertJob(alice);
    const change = await waitFor(() => l.changes[0], 5000, 'INSERT over vsn 1.0.0');
    expect(change.new).toMatchObject({ id });
    await client.removeAllChannels();
  });

  it('answers garbage frames with an error reply and keeps the socket usable', async () => {
    const s = await RawSocket.open(h.url, h.anonKey, '2.0.0');
    s.sendRaw('this is not json');
    s.sendRaw(JSON.stringify({ topic: 'x', event: 'y' })); // an object where vsn 2 wants an array
    s.sendRaw(JSON.stringify([null, '7', 'realtime:x'])); // too short
    s.sendRaw(JSON.stringify([null, '8', 42, 'phx_join', {}])); // topic not a string
    s.sendRaw(Buffer.from([9, 9, 9])); // binary of an unknown kind
    s.push('realtime:never-joined', 'broadcast', { type: 'broadcast', event: 'e', payload: {} }, '9');
    await waitFor(() => (s.frames.length >= 6 ? true : undefined), 5000, 'six error replies');
    const reasons = s.frames.map((f) => (f.payload.response as { reason: string }).reason);
    expect(s.frames.every((f) => f.event === 'phx_reply' && f.payload.status === 'error')).toBe(true);
    expect(reasons[0]).toMatch(/not valid JSON/);
    expect(reasons[1]).toMatch(/must be a JSON array \[join_ref, ref, topic, event, payload\]/);
    expect(reasons[2]).toMatch(/must be a JSON array/);
    expect(reasons[3]).toBe('frame field "topic" must be a non-empty string, received 42');
    expect(reasons[4]).toBe('binary frame kind must be 3 (user broadcast push), received 9');
    expect(reasons[5]).toBe('unmatched topic');
    expect(s.frames[2]?.ref).toBeNull();
    expect(s.frames[3]?.ref).toBe('8');

    // Same socket, a good join still works and still hears changes.
    s.push('realtime:after-garbage', 'phx_join', { config: { postgres_changes: [{ event: '*', schema: 'public', table: 'video_jobs' }] }, access_token: h.serviceRoleKey }, '10', '10');
    expect((await s.reply('10')).payload.status).toBe('ok');
    const id = await insertJob(alice);
    const change = await s.next((f) => f.event === 'postgres_changes', 'change after garbage');
    expect((change.payload.data as { record: { id: string } }).record.id).toBe(id);
    s.close();
  });

  it('closes a socket that sends a frame over 1 MB with 1009, and keeps serving others', async () => {
    const big = await RawSocket.open(h.url, h.anonKey, '2.0.0');
    big.sendRaw(JSON.stringify([null, '1', 'realtime:x', 'broadcast', { pad: 'x'.repeat(1024 * 1024 + 10) }]));
    await waitFor(() => big.closeCode ?? undefined, 5000, 'close after huge frame');
    expect(big.closeCode).toBe(1009);
    const other = await RawSocket.open(h.url, h.anonKey, '2.0.0');
    other.push('phoenix', 'heartbeat', {}, '1');
    expect((await other.reply('1')).payload.status).toBe('ok');
    other.close();
  });

  it('refuses the upgrade without a valid apikey, or with an unknown vsn', async () => {
    const status = (query: string): Promise<number> =>
      new Promise((resolve) => {
        void import('ws').then(({ default: WebSocket }) => {
          const ws = new WebSocket(`${h.url.replace('http', 'ws')}/realtime/v1/websocket${query}`);
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          ws.on('open', () => resolve(101));
          ws.on('error', () => undefined);
        });
      });
    expect(await status('?vsn=2.0.0')).toBe(401);
    // Supabase's UserSocket answers 401 to a missing, malformed or forged key alike.
    expect(await status('?vsn=2.0.0&apikey=forged.token.here')).toBe(401);
    expect(await status(`?vsn=3.0.0&apikey=${h.anonKey}`)).toBe(400);
  });

  it('says why a join is refused: forged or expired token, unknown table, bad filter', async () => {
    const s = await RawSocket.open(h.url, h.anonKey, '2.0.0');
    const join = async (ref: string, payload: unknown): Promise<Record<string, unknown>> => {
      s.push(`realtime:bad-${ref}`, 'phx_join', payload, ref, ref);
      return (await s.reply(ref)).payload;
    };
    const forged = `${h.anonKey.slice(0, -4)}AAAA`;
    expect(await join('1', { config: {}, access_token: forged })).toEqual({
      status: 'error',
      response: { reason: expect.stringMatching(/^JwtSignatureError: Failed to validate JWT signature/) },
    });
    const expired = await signToken({ role: 'authenticated', sub: alice }, -30);
    expect(await join('2', { config: {}, access_token: expired })).toEqual({
      status: 'error',
      response: { reason: expect.stringMatching(/^InvalidJWTToken: Token has expired \d+ seconds ago$/) },
    });

    const systemFor = async (ref: string, binding: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const r = await join(ref, { config: { postgres_changes: [binding] } });
      expect(r.status).toBe('ok');
      return (await s.next((f) => f.event === 'system' && f.topic === `realtime:bad-${ref}`, `system for ${ref}`)).payload;
    };
    expect(await systemFor('3', { event: 'INSERT', schema: 'public', table: 'nope' })).toEqual({
      extension: 'postgres_changes',
      status: 'error',
      channel: 'bad-3',
      message: 'Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [event: INSERT, schema: public, table: nope, filters: []]',
    });
    expect((await systemFor('4', { event: 'INSERT', schema: 'public', table: 'unpublished' })).status).toBe('error');
    expect((await systemFor('5', { event: 'INSERT', schema: 'public', table: 'video_jobs', filter: 'user_id=foo.x' })).message).toBe(
      'Error parsing `filter` params: ["foo", "x"]',
    );
    // like is one of Supabase's operators, but not for a uuid column: refused as its trigger refuses it.
    expect((await systemFor('5b', { event: 'INSERT', schema: 'public', table: 'video_jobs', filter: 'user_id=like.x' })).message).toMatch(
      /Exception: operator like requires a text-compatible column type, got uuid$/,
    );
    expect((await systemFor('6', { event: 'INSERT', schema: 'public', table: 'video_jobs', filter: 'owner=eq.1' })).message).toMatch(
      /Exception: invalid column for filter owner/,
    );
    expect((await systemFor('7', { event: 'INSERT', schema: 'public', table: 'video_jobs', filter: 'progress=eq.abc' })).message).toMatch(
      /Exception: invalid input syntax for type integer: "abc"/,
    );
    expect((await systemFor('8', { event: 'TRUNCATE', schema: 'public', table: 'video_jobs' })).message).toMatch(
      /event must be one of \*, INSERT, UPDATE, DELETE, received "TRUNCATE"/,
    );
    s.close();
  });

  it('refuses a join with more postgres_changes bindings than allowed, and keeps serving everyone else', async () => {
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'bystander', [{ event: 'INSERT' }]);
    const s = await RawSocket.open(h.url, h.anonKey, '2.0.0');
    const bindings = Array.from({ length: 3000 }, (_, i) => ({ event: 'INSERT', schema: 'public', table: 'video_jobs', filter: `progress=eq.${i}` }));
    s.push('realtime:greedy', 'phx_join', { config: { postgres_changes: bindings }, access_token: await h.userToken(alice) }, '1', '1');
    // The join itself succeeds (realtime-js pairs its bindings with the echo); the subscription does not.
    const reply = await s.reply('1');
    expect(reply.payload.status).toBe('ok');
    expect((reply.payload.response as { postgres_changes: unknown[] }).postgres_changes).toHaveLength(3000);
    const system = await s.next((f) => f.event === 'system', 'system message');
    expect(system.payload).toEqual({
      extension: 'postgres_changes',
      status: 'error',
      channel: 'greedy',
      message: 'Unable to subscribe to changes with given parameters: a channel may carry at most 100 postgres_changes bindings, received 3000',
    });
    const id = await insertJob(alice);
    const change = await waitFor(() => l.changes[0], 5000, 'change for the bystander');
    expect(change.new).toMatchObject({ id });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.frames.filter((f) => f.event === 'postgres_changes')).toEqual([]);
    s.close();
    await client.removeAllChannels();
  });

  it('stops delivering after phx_leave', async () => {
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'leave', [{ event: 'INSERT' }]);
    const other = await listen(client, 'stay', [{ event: 'INSERT' }]);
    expect(await l.channel.unsubscribe()).toBe('ok');
    const id = await insertJob(alice);
    await waitFor(() => other.changes[0], 5000, 'change on the channel that stayed');
    expect((other.changes[0]!.new as { id: string }).id).toBe(id);
    expect(l.changes).toEqual([]);
    await client.removeAllChannels();
  });

  it('lets supabase-js reconnect to a restarted server on the same port and database, and hear later changes', async () => {
    const client = await h.client(await h.userToken(alice));
    const l = await listen(client, 'restart', [{ event: 'INSERT' }]);
    await h.stopServer(); // terminates every socket, as a crash or redeploy would
    await h.startServer(); // same port, same database: capture setup runs again, idempotently
    // realtime-js notices the dropped socket, reconnects and rejoins by itself.
    await waitFor(
      () => (l.systems.filter((s) => s.message === 'Subscribed to PostgreSQL').length >= 2 ? true : undefined),
      15000,
      'rejoined after restart',
    );
    const id = await insertJob(alice);
    const change = await waitFor(() => l.changes[0], 5000, 'change after restart');
    expect(change.new).toMatchObject({ id, user_id: alice });
    const triggers = await h.db.query("select 1 from pg_trigger where tgname = 'realtime_capture_change'");
    expect(triggers.rows).toHaveLength(1);
    await client.removeAllChannels();
  });
});
