/**
 * One WebSocket speaking Phoenix channels the way Supabase Realtime does: heartbeat on `phoenix`,
 * `phx_join` / `phx_leave` / `access_token` / `broadcast` / `presence` on `realtime:<name>` topics.
 * Frames are handled one at a time in arrival order (a join awaits the database). A frame that
 * cannot be read gets an error reply and the socket stays open; a socket that sends nothing but
 * garbage is closed with 1008 (policy violation).
 */
import type { WebSocket } from 'ws';
import type { JwtClaims } from '../database';
import type { ChangeDispatcher } from './change-dispatcher';
import type { ChannelHub } from './channel-hub';
import { checkAccessToken } from './check-access-token';
import { JoinedChannel } from './joined-channel';
import { parseJoinPayload } from './parse-join-payload';
import { FrameError, decodeFrame, describe, encodeMessage, type PhoenixMessage, type Vsn } from './phoenix-serializer';
import { resolveBindings } from './resolve-bindings';

export interface SessionDeps {
  dispatcher: ChangeDispatcher;
  hub: ChannelHub;
  verifyJwt: (token: string) => Promise<JwtClaims>;
  log: (line: string) => void;
  /** The socket's `apikey`: the channel's token when the join carries none. */
  apiKey: string;
}

/** Supabase's default max_channels_per_client. */
export const MAX_CHANNELS_PER_SOCKET = 100;
/** Bad frames tolerated before the socket is closed. */
export const MAX_BAD_FRAMES = 20;
/** A client that stops reading is cut off before it costs the server its memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class RealtimeSession {
  private readonly channels = new Map<string, JoinedChannel>();
  private queue: Promise<void> = Promise.resolve();
  private badFrames = 0;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly vsn: Vsn,
    private readonly deps: SessionDeps,
  ) {
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      this.queue = this.queue.then(() => this.onFrame(buf, isBinary)).catch((err: unknown) => {
        this.deps.log(`realtime: frame handling failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      });
    });
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  send(topic: string, joinRef: string | null, ref: string | null, event: string, payload: unknown): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.close(1008, 'client too slow: send buffer over 16 MB');
      return;
    }
    this.ws.send(encodeMessage({ topic, joinRef, ref, event, payload }, this.vsn));
  }

  private reply(msg: { topic: string; joinRef: string | null; ref: string | null }, status: 'ok' | 'error', response: unknown): void {
    this.send(msg.topic, msg.joinRef, msg.ref, 'phx_reply', { status, response });
  }

  private async onFrame(data: Buffer, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    let msg: PhoenixMessage;
    try {
      msg = decodeFrame(data, isBinary, this.vsn);
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      this.badFrames++;
      const p = err.partial;
      this.send(p.topic ?? 'phoenix', p.joinRef, p.ref, 'phx_reply', { status: 'error', response: { reason: err.message } });
      if (this.badFrames >= MAX_BAD_FRAMES) this.ws.close(1008, `too many malformed frames (${this.badFrames})`);
      return;
    }
    if (msg.topic === 'phoenix') {
      if (msg.event === 'heartbeat') this.reply(msg, 'ok', {});
      else this.reply(msg, 'error', { reason: 'unmatched topic' });
      return;
    }
    if (msg.event === 'phx_join') return this.join(msg);
    const channel = this.channels.get(msg.topic);
    // Phoenix answers anything for a topic this socket has not joined (or joined under another
    // join_ref) with "unmatched topic".
    if (!channel || (msg.joinRef !== null && msg.joinRef !== channel.joinRef)) {
      this.reply(msg, 'error', { reason: 'unmatched topic' });
      return;
    }
    switch (msg.event) {
      case 'phx_leave':
        this.reply(msg, 'ok', {});
        this.drop(channel);
        return;
      case 'access_token':
        return this.refreshToken(channel, msg);
      case 'broadcast':
        return this.broadcast(channel, msg);
      case 'presence':
        return this.presence(channel, msg);
      default:
        // Supabase ignores unknown client events on a joined channel (it only logs them).
        this.deps.log(`realtime: ignored event ${describe(msg.event)} on ${msg.topic}`);
    }
  }

  private async join(msg: PhoenixMessage): Promise<void> {
    const fail = (reason: string): void => this.reply(msg, 'error', { reason });
    if (!msg.topic.startsWith('realtime:')) return this.reply(msg, 'error', { reason: 'unmatched topic' });
    if (msg.topic === 'realtime:') return fail('TopicNameRequired: You must provide a topic name');
    const previous = this.channels.get(msg.topic);
    if (previous) {
      // A rejoin of the same topic replaces the old channel, as Phoenix does.
      previous.sendClose();
      this.drop(previous);
    }
    if (this.channels.size >= MAX_CHANNELS_PER_SOCKET) return fail('ChannelRateLimitReached: Too many channels');
    const req = parseJoinPayload(msg.payload);
    const token = req.accessToken && !req.accessToken.startsWith('sb_') ? req.accessToken : this.deps.apiKey;
    const check = await checkAccessToken(token, this.deps.verifyJwt);
    if (!check.ok) return fail(`${check.code}: ${check.message}`);
    if (req.isPrivate && check.claims.role !== 'service_role') {
      // Private channels are authorised by policies on realtime.messages, which this local
      // server does not implement; refusing is the safe answer.
      return fail(`Unauthorized: You do not have permissions to read from this Channel topic: ${msg.topic.slice(9)}`);
    }
    const { dispatcher } = this.deps;
    const resolved = await resolveBindings(req.bindings, dispatcher.getCatalog, dispatcher.refreshCatalog, dispatcher.db);
    if (this.closed) return;
    const channel = new JoinedChannel({
      topic: msg.topic,
      joinRef: msg.joinRef ?? msg.ref,
      token,
      claims: check.claims,
      expiresAtMs: check.expiresAtMs,
      bindings: resolved.ok ? resolved.bindings : [],
      presenceKey: req.presenceKey,
      broadcastSelf: req.broadcastSelf,
      broadcastAck: req.broadcastAck,
      send: (...args) => this.send(...args),
      onExpired: (c) => this.shutdown(c, `Token has expired ${Math.max(0, Math.floor(Date.now() / 1000 - Number(c.claims().exp)))} seconds ago`),
    });
    this.channels.set(msg.topic, channel);
    this.deps.hub.join(channel);
    const ids = resolved.ok ? resolved.bindings.map((b) => b.id) : resolved.ids;
    const echo = req.bindings.map((b, i) => ({ ...b.echo, id: ids[i] }));
    this.reply(msg, 'ok', { postgres_changes: echo });
    if (req.presenceEnabled) channel.push('presence_state', this.deps.hub.presenceState(msg.topic));
    if (req.bindings.length === 0) return;
    if (resolved.ok) {
      dispatcher.add(channel);
      channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
    } else {
      channel.system('postgres_changes', 'error', resolved.message);
    }
  }

  private async refreshToken(channel: JoinedChannel, msg: PhoenixMessage): Promise<void> {
    const p = msg.payload as { access_token?: unknown } | null;
    const token = p && typeof p === 'object' ? p.access_token : undefined;
    if (typeof token !== 'string' || token.startsWith('sb_') || token === channel.token) return;
    const check = await checkAccessToken(token, this.deps.verifyJwt);
    if (!this.channels.has(channel.topic)) return;
    if (!check.ok) return this.shutdown(channel, check.message);
    channel.setToken(token, check.claims, check.expiresAtMs);
    // Supabase re-subscribes with the new claims and says so again.
    if (channel.bindings.length > 0) channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
  }

  private broadcast(channel: JoinedChannel, msg: PhoenixMessage): void {
    const p = msg.payload as { event?: unknown; payload?: unknown } | null;
    if (!p || typeof p !== 'object' || typeof p.event !== 'string') {
      if (channel.broadcastAck) this.reply(msg, 'error', { reason: `broadcast payload must be {type, event, payload}, received ${describe(p)}` });
      return;
    }
    this.deps.hub.broadcast(channel, { type: 'broadcast', event: p.event, payload: p.payload ?? {} });
    if (channel.broadcastAck) this.reply(msg, 'ok', {});
  }

  private presence(channel: JoinedChannel, msg: PhoenixMessage): void {
    const p = msg.payload as { event?: unknown; payload?: unknown } | null;
    const event = p && typeof p === 'object' ? p.event : undefined;
    if (event === 'track') {
      const meta = p?.payload;
      if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
        return this.reply(msg, 'error', { reason: 'Presence track payload must be a map' });
      }
      this.deps.hub.track(channel, meta as Record<string, unknown>);
      return this.reply(msg, 'ok', {});
    }
    if (event === 'untrack') {
      this.deps.hub.untrack(channel);
      return this.reply(msg, 'ok', {});
    }
    this.reply(msg, 'error', { reason: `presence event must be "track" or "untrack", received ${describe(event)}` });
  }

  /** Supabase's shutdown_response: a system error naming why, then the channel is closed. */
  private shutdown(channel: JoinedChannel, message: string): void {
    channel.system('system', 'error', message);
    channel.sendClose();
    this.drop(channel);
  }

  private drop(channel: JoinedChannel): void {
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
    channel.dispose();
    this.deps.dispatcher.remove(channel);
    this.deps.hub.leave(channel);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.channels.values()]) this.drop(c);
  }
}
