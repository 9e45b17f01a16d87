/**
 * One joined `realtime:<name>` topic on one socket: its claims (for RLS), its postgres_changes
 * bindings, its Broadcast/Presence settings, and the timer that closes it when its token expires,
 * as Supabase does ("Token has expired ..." system message, then `phx_close`).
 */
import type { JwtClaims } from '../database';
import type { ChangeData, ChangeSubscriber } from './change-dispatcher';
import type { HubMember } from './channel-hub';
import type { ResolvedBinding } from './resolve-bindings';

/** setTimeout cannot wait longer than ~24.8 days; re-arm at most hourly instead. */
const MAX_TIMER_MS = 60 * 60 * 1000;

export interface ChannelOptions {
  topic: string;
  joinRef: string | null;
  token: string;
  claims: JwtClaims;
  expiresAtMs: number | null;
  bindings: ResolvedBinding[];
  presenceKey: string;
  broadcastSelf: boolean;
  broadcastAck: boolean;
  /** Sends a frame on this channel's socket. */
  send(topic: string, joinRef: string | null, ref: string | null, event: string, payload: unknown): void;
  /** Called when the token runs out; the owner closes the channel. */
  onExpired(channel: JoinedChannel): void;
}

export class JoinedChannel implements ChangeSubscriber, HubMember {
  readonly topic: string;
  readonly joinRef: string | null;
  readonly presenceKey: string;
  readonly broadcastSelf: boolean;
  readonly broadcastAck: boolean;
  bindings: ResolvedBinding[];
  token: string;
  private currentClaims: JwtClaims;
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ChannelOptions) {
    this.topic = opts.topic;
    this.joinRef = opts.joinRef;
    this.presenceKey = opts.presenceKey;
    this.broadcastSelf = opts.broadcastSelf;
    this.broadcastAck = opts.broadcastAck;
    this.bindings = opts.bindings;
    this.token = opts.token;
    this.currentClaims = opts.claims;
    this.armExpiry(opts.expiresAtMs);
  }

  /** The topic without its `realtime:` prefix, as Supabase names it in system messages. */
  get channelName(): string {
    return this.topic.slice('realtime:'.length);
  }

  claims(): JwtClaims {
    return this.currentClaims;
  }

  setToken(token: string, claims: JwtClaims, expiresAtMs: number | null): void {
    this.token = token;
    this.currentClaims = claims;
    this.armExpiry(expiresAtMs);
  }

  push(event: string, payload: unknown): void {
    this.opts.send(this.topic, this.joinRef, null, event, payload);
  }

  reply(ref: string | null, status: 'ok' | 'error', response: unknown): void {
    this.opts.send(this.topic, this.joinRef, ref, 'phx_reply', { status, response });
  }

  deliver(payload: { ids: number[]; data: ChangeData }): void {
    this.push('postgres_changes', payload);
  }

  system(extension: 'postgres_changes' | 'system', status: 'ok' | 'error', message: string): void {
    this.push('system', { extension, status, message, channel: this.channelName });
  }

  /** Phoenix tells the client a server-side close with `phx_close`, ref = join ref. */
  sendClose(): void {
    this.opts.send(this.topic, this.joinRef, this.joinRef, 'phx_close', {});
  }

  dispose(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  private armExpiry(expiresAtMs: number | null): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (expiresAtMs === null) return;
    const wait = Math.max(0, expiresAtMs - Date.now());
    this.expiryTimer = setTimeout(() => {
      if (Date.now() >= expiresAtMs) this.opts.onExpired(this);
      else this.armExpiry(expiresAtMs);
    }, Math.min(wait, MAX_TIMER_MS));
    this.expiryTimer.unref();
  }
}
