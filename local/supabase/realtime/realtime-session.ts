/**
 * One WebSocket speaking Phoenix channels the way Supabase Realtime does: heartbeat on `phoenix`,
 * `phx_join` / `phx_leave` / `access_token` / `broadcast` / `presence` on `realtime:<name>` topics.
 * Frames are handled one at a time in arrival order (a join awaits the database). A frame that
 * cannot be read gets an error reply and the socket stays open; a socket that sends nothing but
 * garbage is closed with 1008 (policy violation).
 *
 * A join is checked in Supabase's order (RealtimeChannel.join): topic name, connected users,
 * joins per second, channels per socket, the token, then for a private channel the read policies
 * on realtime.messages; its reply echoes the postgres_changes bindings with their ids; replayed
 * broadcasts, `presence_state` and the postgres_changes `system` message follow it.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Database, JwtClaims } from '../database/database';
import { handleBroadcast } from './broadcast-handler';
import type { ChangeDispatcher } from './change-dispatcher';
import { emptyPolicies, readPolicies, type Extension, type Policies } from './channel-authorization';
import type { ChannelHub } from './channel-hub';
import { checkAccessToken } from './check-access-token';
import { JoinedChannel } from './joined-channel';
import { parseJoinPayload } from './parse-join-payload';
import { FrameError, decodeFrame, describe, encodeBroadcast, encodeMessage, type PhoenixMessage, type Vsn } from './phoenix-serializer';
import { handlePresence } from './presence-handler';
import type { RateCounter, RealtimeLimits } from './realtime-limits';
import { loadReplay, parseReplay } from './replay-messages';
import { resolveBindings } from './resolve-bindings';

/** What every socket of this server shares: Supabase's per-tenant state. */
export interface RealtimeServerState {
  db: Database;
  dispatcher: ChangeDispatcher;
  hub: ChannelHub;
  verifyJwt: (token: string) => Promise<JwtClaims>;
  log: (line: string) => void;
  limits: RealtimeLimits;
  /** Channel joins over the project. */
  joins: RateCounter;
  /** Sockets with at least one joined channel (Supabase's UsersCounter). */
  users: Set<RealtimeSession>;
}

export interface SessionDeps extends RealtimeServerState {
  /** The socket's `apikey`: the channel's token when the join carries none. */
  apiKey: string;
}

/** Bad frames tolerated before the socket is closed. */
export const MAX_BAD_FRAMES = 20;
/** A client that stops reading is cut off before it costs the server its memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

type Target = { topic: string; joinRef: string | null; ref: string | null };

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
    this.sendFrame(encodeMessage({ topic, joinRef, ref, event, payload }, this.vsn));
  }

  sendFrame(frame: string | Buffer): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.close(1008, 'client too slow: send buffer over 16 MB');
      return;
    }
    this.ws.send(frame);
  }

  private reply(msg: Target, status: 'ok' | 'error', response: unknown): void {
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
    const { db, hub, limits, log } = this.deps;
    const reply = (status: 'ok' | 'error', response: unknown): void => {
      if (channel.isOpen) this.reply(msg, status, response);
    };
    switch (msg.event) {
      case 'phx_leave':
        this.reply(msg, 'ok', {});
        this.drop(channel);
        return;
      case 'access_token':
        return this.refreshToken(channel, msg);
      case 'broadcast':
        return handleBroadcast({ db, hub, maxPayloadBytes: limits.maxPayloadBytes, log }, channel, msg, reply);
      case 'presence':
        return handlePresence({ db, hub, limits, log }, channel, msg.payload, reply);
      default:
        // Supabase counts and ignores unknown client events on a joined channel (it only logs them).
        hub.events.add(1);
        log(`realtime: ignored event ${describe(msg.event)} on ${msg.topic}`);
    }
  }

  private async join(msg: PhoenixMessage): Promise<void> {
    const fail = (reason: string): void => this.reply(msg, 'error', { reason });
    if (!msg.topic.startsWith('realtime:')) return this.reply(msg, 'error', { reason: 'unmatched topic' });
    if (msg.topic === 'realtime:') return fail('TopicNameRequired: You must provide a topic name');
    const name = msg.topic.slice('realtime:'.length);
    const previous = this.channels.get(msg.topic);
    if (previous) {
      // A rejoin of the same topic replaces the old channel, as Phoenix does.
      previous.sendClose();
      this.drop(previous);
    }
    const { limits, users, joins, dispatcher, hub } = this.deps;
    const req = parseJoinPayload(msg.payload);
    if (!users.has(this) && users.size >= limits.maxConcurrentUsers) return fail('ConnectionRateLimitReached: Too many connected users');
    if (joins.perSecond() >= limits.maxJoinsPerSecond) {
      fail('ClientJoinRateLimitReached: Too many joins per second');
      this.ws.close(1000, 'Too many joins per second');
      return;
    }
    joins.add(1);
    if (this.channels.size >= limits.maxChannelsPerClient) return fail('ChannelRateLimitReached: Too many channels');
    const token = req.accessToken && !req.accessToken.startsWith('sb_') ? req.accessToken : this.deps.apiKey;
    const check = await checkAccessToken(token, this.deps.verifyJwt);
    if (!check.ok) return fail(`${check.code}: ${check.message}`);

    const extensions: Extension[] = req.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
    const policies: Policies = emptyPolicies();
    if (req.isPrivate) {
      const unauthorized = `Unauthorized: You do not have permissions to read from this Channel topic: ${name}`;
      try {
        const read = await readPolicies(this.deps.db, check.claims, name, extensions);
        policies.broadcast.read = read.broadcast;
        policies.presence.read = read.presence;
      } catch (err) {
        this.deps.log(`realtime: RlsPolicyError on ${msg.topic}: ${err instanceof Error ? err.message : String(err)}`);
        return fail(unauthorized);
      }
      if (!policies.broadcast.read && !policies.presence.read) return fail(unauthorized);
    }
    let replay: { since: number; limit: number } | undefined;
    if (req.replay !== undefined) {
      if (req.isPrivate && !policies.broadcast.read) return fail(`Unauthorized: You do not have permissions to read from this Channel topic: ${name}`);
      if (!req.isPrivate) return fail('UnableToReplayMessages: Replay is not allowed for public channels');
      const parsed = parseReplay(req.replay);
      if (!parsed.ok) return fail('UnableToReplayMessages: Replay params are not valid');
      replay = parsed;
    }

    await dispatcher.freshCatalog();
    const resolved = await resolveBindings(req.bindings, {
      getCatalog: dispatcher.getCatalog,
      refreshCatalog: dispatcher.refreshCatalog,
      db: this.deps.db,
      role: check.claims.role,
    });
    const replayed = replay ? await loadReplay(this.deps.db, name, replay.since, replay.limit).catch(() => null) : [];
    if (this.closed) return;
    if (replayed === null) return fail('UnableToReplayMessages: Realtime was unable to replay messages');
    const channel = new JoinedChannel({
      topic: msg.topic,
      joinRef: msg.joinRef ?? msg.ref,
      vsn: this.vsn,
      token,
      claims: check.claims,
      expiresAtMs: check.expiresAtMs,
      bindings: resolved.ok ? resolved.bindings : [],
      presenceKey: req.presenceKey || randomUUID(),
      presenceEnabled: req.presenceEnabled,
      broadcastSelf: req.broadcastSelf,
      broadcastAck: req.broadcastAck,
      isPrivate: req.isPrivate,
      policies,
      send: (...args) => this.send(...args),
      sendFrame: (frame) => this.sendFrame(frame),
      onExpired: (c) => this.shutdown(c, `Token has expired ${Math.max(0, Math.floor(Date.now() / 1000 - Number(c.claims().exp)))} seconds ago`),
      onShutdown: (c, message) => this.shutdown(c, message),
    });
    this.channels.set(msg.topic, channel);
    users.add(this);
    hub.join(channel);
    const ids = resolved.ok ? resolved.bindings.map((b) => b.id) : resolved.ids;
    const echo = req.bindings.map((b, i) => ({ ...b.echo, id: ids[i] }));
    this.reply(msg, 'ok', { postgres_changes: echo });
    for (const m of replayed) {
      const frame = encodeBroadcast(msg.topic, m, this.vsn);
      if (frame !== null) channel.pushFrame(frame);
    }
    // Capture triggers are in place before any socket is accepted: replication is always ready.
    if (req.replicationReady) channel.system('system', 'ok', 'Replication connection established');
    if (req.presenceEnabled && channel.canRead('presence')) {
      if (hub.presenceOverLimit()) return this.shutdown(channel, 'Too many presence messages per second');
      hub.presenceEvents.add(1);
      channel.push('presence_state', hub.presenceState(channel));
    }
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
    if (!channel.isOpen) return;
    if (!check.ok) return this.shutdown(channel, check.message);
    if (channel.isPrivate) {
      // Supabase re-evaluates the read policies with the new token and forgets the write ones.
      const previous = channel.policies;
      const unauthorized = `You do not have permissions to read from this Channel topic: ${channel.channelName}`;
      let read: Partial<Record<Extension, boolean>>;
      try {
        read = await readPolicies(this.deps.db, check.claims, channel.channelName, channel.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast']);
      } catch {
        return this.shutdown(channel, unauthorized);
      }
      if (!channel.isOpen) return;
      if (!read.broadcast && !read.presence) return this.shutdown(channel, unauthorized);
      const revoked = (before: boolean | undefined, now: boolean | undefined): boolean => before === true && now === false;
      if (revoked(previous.broadcast.read, read.broadcast) || revoked(previous.presence.read, read.presence)) {
        return this.shutdown(channel, `You no longer have permission to read from this Channel topic: ${channel.channelName}`);
      }
      channel.resetPolicies();
      channel.policies.broadcast.read = read.broadcast;
      channel.policies.presence.read = read.presence;
    }
    channel.setToken(token, check.claims, check.expiresAtMs);
    // Supabase re-subscribes with the new claims and says so again.
    if (channel.bindings.length > 0) channel.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
  }

  /** Supabase's shutdown_response: a system error naming why, then the channel is closed. */
  private shutdown(channel: JoinedChannel, message: string): void {
    if (!channel.isOpen) return;
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
    this.deps.users.delete(this);
  }
}
