/**
 * Broadcast and Presence through the whole local Supabase (startSupabaseLocal) with real
 * supabase-js clients signed in anonymously: client to client (`self`, `ack`, the payload limit),
 * from the database (`realtime.send`, a trigger calling `realtime.broadcast_changes`, replay),
 * private channels authorised by RLS policies on realtime.messages, and Presence state and diffs,
 * including what a closed socket leaves behind.
 */
import WebSocket from 'ws';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseLocal } from '../../../../local/supabase/start-supabase-local';
import { startTestSupabase } from '../supabase-test-helpers';
import { waitFor } from './realtime-harness';

/** Policies a project would write for private channels, and a table whose trigger broadcasts its changes. */
const SCHEMA_SQL = `
create policy "read lobby, own room, chats" on realtime.messages for select to authenticated
  using (realtime.topic() = 'lobby' or realtime.topic() = 'room:' || (select auth.uid())::text or realtime.topic() like 'chat:%');
create policy "write own room" on realtime.messages for insert to authenticated
  with check (realtime.topic() = 'room:' || (select auth.uid())::text);

create table public.chat_messages (id bigint generated always as identity primary key, room text not null, body text not null);
create function public.chat_messages_broadcast() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.broadcast_changes('chat:' || coalesce(new.room, old.room), tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end
$$;
create trigger chat_messages_broadcast after insert or update or delete on public.chat_messages
  for each row execute function public.chat_messages_broadcast();
`;

type Broadcast = { event: string; payload: Record<string, unknown>; meta?: { id?: string; replayed?: boolean } };

let local: SupabaseLocal;
const clients: SupabaseClient[] = [];

function clientFor(): SupabaseClient {
  const c = createClient(local.url, local.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never, timeout: 3000 },
  });
  clients.push(c);
  return c;
}

async function signedIn(): Promise<{ client: SupabaseClient; userId: string }> {
  const client = clientFor();
  const { data, error } = await client.auth.signInAnonymously();
  if (error || !data.user) throw error ?? new Error('no user');
  await client.realtime.setAuth();
  return { client, userId: data.user.id };
}

/** Subscribes and resolves with the outcome: SUBSCRIBED, or the error realtime-js reports. */
function subscribe(channel: RealtimeChannel): Promise<{ status: string; error?: string }> {
  return new Promise((resolve) => {
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve({ status });
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') resolve({ status, error: err?.message });
    });
  });
}

function collect(channel: RealtimeChannel, event = '*'): Broadcast[] {
  const into: Broadcast[] = [];
  channel.on('broadcast', { event }, (m) => into.push(m as unknown as Broadcast));
  return into;
}

beforeAll(async () => {
  local = await startTestSupabase();
  await local.db.query(SCHEMA_SQL);
});
afterAll(async () => {
  for (const c of clients) await c.removeAllChannels().catch(() => undefined);
  await local?.stop();
});

describe('Broadcast between clients', () => {
  it('reaches the others, the sender too with self, acknowledged with ack, and refuses an oversized payload', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const ca = a.client.channel('chat-room', { config: { broadcast: { self: true, ack: true } } });
    const cb = b.client.channel('chat-room');
    const [heardA, heardB] = [collect(ca, 'msg'), collect(cb, 'msg')];
    expect(await subscribe(ca)).toEqual({ status: 'SUBSCRIBED' });
    expect(await subscribe(cb)).toEqual({ status: 'SUBSCRIBED' });

    expect(await ca.send({ type: 'broadcast', event: 'msg', payload: { n: 1 } })).toBe('ok');
    expect(await cb.send({ type: 'broadcast', event: 'msg', payload: { n: 2 } })).toBe('ok');
    // Over the Free plan's 256 KB: refused, and said so because ack is on.
    expect(await ca.send({ type: 'broadcast', event: 'msg', payload: { pad: 'x'.repeat(300_000) } })).toBe('error');
    expect(await ca.send({ type: 'broadcast', event: 'msg', payload: { n: 3 } })).toBe('ok');
    await waitFor(() => (heardB.some((m) => m.payload.n === 3) && heardA.some((m) => m.payload.n === 3) ? true : undefined), 5000, 'n=3 everywhere');
    expect(heardA.map((m) => m.payload.n)).toEqual([1, 2, 3]);
    // B did not ask for its own messages.
    expect(heardB.map((m) => m.payload.n)).toEqual([1, 3]);
  });
});

describe('Presence', () => {
  it('gives a late joiner the state, sends joins and leaves, and cleans up after a closed socket', async () => {
    const a = await signedIn();
    const b = await signedIn();
    // A presence listener is what asks for presence (realtime-js then joins with presence enabled).
    const ca = a.client.channel('meeting', { config: { presence: { key: 'alice' } } }).on('presence', { event: 'sync' }, () => undefined);
    expect(await subscribe(ca)).toEqual({ status: 'SUBSCRIBED' });
    expect(await ca.track({ mood: 'ready' })).toBe('ok');

    const cb = b.client.channel('meeting', { config: { presence: { key: 'bob' } } });
    const joins: string[] = [];
    const leaves: string[] = [];
    cb.on('presence', { event: 'join' }, ({ key }) => joins.push(key));
    cb.on('presence', { event: 'leave' }, ({ key }) => leaves.push(key));
    expect(await subscribe(cb)).toEqual({ status: 'SUBSCRIBED' });
    // presence_state on join: alice is already there, with what she tracked.
    const state = await waitFor(() => (cb.presenceState().alice ? cb.presenceState() : undefined), 5000, 'alice in state');
    expect(state.alice).toEqual([expect.objectContaining({ mood: 'ready', presence_ref: expect.any(String) })]);

    expect(await cb.track({ mood: 'late' })).toBe('ok');
    await waitFor(() => (Object.keys(ca.presenceState()).sort().join() === 'alice,bob' ? true : undefined), 5000, 'bob seen by alice');
    expect(await ca.untrack()).toBe('ok');
    await waitFor(() => (leaves.includes('alice') ? true : undefined), 5000, 'alice leaves');
    expect(Object.keys(cb.presenceState())).toEqual(['bob']);

    expect(await ca.track({ mood: 'back' })).toBe('ok');
    await waitFor(() => (cb.presenceState().alice ? true : undefined), 5000, 'alice back');
    // Her socket goes away without a goodbye: the server untracks her.
    a.client.realtime.disconnect();
    await waitFor(() => (leaves.filter((k) => k === 'alice').length === 2 ? true : undefined), 5000, 'alice gone with her socket');
    expect(Object.keys(cb.presenceState())).toEqual(['bob']);
  });

  it("closes a channel that exceeds Supabase's client presence budget (5 calls per 30 s)", async () => {
    const { client } = await signedIn();
    const ch = client.channel('jittery', { config: { presence: { key: 'j' } } });
    const systems: Record<string, unknown>[] = [];
    ch.on('system', {}, (p) => systems.push(p));
    expect(await subscribe(ch)).toEqual({ status: 'SUBSCRIBED' });
    for (let i = 0; i < 5; i++) expect(await ch.track({ i })).toBe('ok');
    void ch.track({ i: 5 });
    const sys = await waitFor(() => systems.find((s) => s.status === 'error'), 5000, 'shutdown');
    expect(sys).toMatchObject({ extension: 'system', message: 'Client presence rate limit exceeded', channel: 'jittery' });
  });
});

describe('Private channels and Broadcast from the database', () => {
  it('lets a user join only what the SELECT policy on realtime.messages allows, and send only what INSERT allows', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const own = a.client.channel(`room:${a.userId}`, { config: { private: true, broadcast: { self: true, ack: true } } });
    const heardOwn = collect(own);
    expect(await subscribe(own)).toEqual({ status: 'SUBSCRIBED' });
    expect(await own.send({ type: 'broadcast', event: 'note', payload: { n: 1 } })).toBe('ok');
    await waitFor(() => heardOwn[0], 5000, 'own note');

    const intruder = b.client.channel(`room:${a.userId}`, { config: { private: true } });
    expect(await subscribe(intruder)).toEqual({ status: 'CHANNEL_ERROR', error: `Unauthorized: You do not have permissions to read from this Channel topic: room:${a.userId}` });
    const anonLobby = clientFor().channel('lobby', { config: { private: true } });
    expect((await subscribe(anonLobby)).error).toMatch(/^Unauthorized: /);

    // B may read the lobby but not write to it: the message is dropped and, as on Supabase, not even answered.
    const lobbyA = a.client.channel('lobby', { config: { private: true } });
    const lobbyB = b.client.channel('lobby', { config: { private: true, broadcast: { ack: true } } });
    const heardLobbyA = collect(lobbyA);
    expect(await subscribe(lobbyA)).toEqual({ status: 'SUBSCRIBED' });
    expect(await subscribe(lobbyB)).toEqual({ status: 'SUBSCRIBED' });
    expect(await lobbyB.send({ type: 'broadcast', event: 'shout', payload: {} }, { timeout: 500 })).toBe('timed out');

    // From the database: realtime.send is private by default; `false` sends to the public channel.
    const publicLobby = clientFor().channel('lobby');
    const heardPublic = collect(publicLobby);
    expect(await subscribe(publicLobby)).toEqual({ status: 'SUBSCRIBED' });
    await local.db.query(`select realtime.send('{"to":"members"}'::jsonb, 'notice', 'lobby')`);
    await local.db.query(`select realtime.send('{"to":"everyone"}'::jsonb, 'notice', 'lobby', false)`);
    await waitFor(() => (heardLobbyA[0] && heardPublic[0] ? true : undefined), 5000, 'both notices');
    await new Promise((r) => setTimeout(r, 100));
    expect(heardLobbyA).toHaveLength(1);
    expect(heardLobbyA[0]).toMatchObject({ event: 'notice', payload: { to: 'members', id: expect.any(String) } });
    // The message id rides along as metadata too, as Supabase sends it.
    expect(heardLobbyA[0]!.meta?.id).toBe(heardLobbyA[0]!.payload.id);
    expect(heardPublic.map((m) => m.payload.to)).toEqual(['everyone']);

    // A trigger with realtime.broadcast_changes; and a late joiner replays what it missed.
    const since = Date.now() - 1000;
    const chat = b.client.channel('chat:general', { config: { private: true } });
    const heardChat = collect(chat, 'INSERT');
    expect(await subscribe(chat)).toEqual({ status: 'SUBSCRIBED' });
    await local.db.query(`insert into public.chat_messages (room, body) values ('general', 'hi'), ('other', 'elsewhere')`);
    const row = await waitFor(() => heardChat[0], 5000, 'broadcast_changes');
    expect(row.payload).toMatchObject({ operation: 'INSERT', schema: 'public', table: 'chat_messages', record: { room: 'general', body: 'hi' }, old_record: null });
    const late = a.client.channel('chat:general', { config: { private: true, broadcast: { replay: { since, limit: 10 } } } });
    const replayed = collect(late, 'INSERT');
    expect(await subscribe(late)).toEqual({ status: 'SUBSCRIBED' });
    await waitFor(() => replayed[0], 5000, 'replayed message');
    expect(replayed[0]).toMatchObject({ payload: { record: { body: 'hi' } }, meta: { replayed: true, id: row.payload.id } });
    await new Promise((r) => setTimeout(r, 100));
    expect(heardChat).toHaveLength(1);
  });
});

describe('Broadcast over HTTP', () => {
  it('relays httpSend() and a send() made before joining, and refuses a private topic the token may not write', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const room = b.client.channel('http-room');
    const heard = collect(room, 'ping');
    expect(await subscribe(room)).toEqual({ status: 'SUBSCRIBED' });
    const sender = a.client.channel('http-room');
    await expect(sender.httpSend('ping', { n: 1 })).resolves.toEqual({ success: true });
    // Not joined: realtime-js falls back to POST /realtime/v1/api/broadcast (and warns about it).
    expect(await sender.send({ type: 'broadcast', event: 'ping', payload: { n: 2 } })).toBe('ok');
    await waitFor(() => (heard.length >= 2 ? true : undefined), 5000, 'both HTTP broadcasts');
    expect(heard.map((m) => m.payload.n)).toEqual([1, 2]);

    await expect(b.client.channel(`room:${a.userId}`, { config: { private: true } }).httpSend('x', { n: 3 })).rejects.toThrow('Unauthorized');
    await expect(a.client.channel(`room:${a.userId}`, { config: { private: true } }).httpSend('x', { n: 4 })).resolves.toEqual({ success: true });
  });
});
