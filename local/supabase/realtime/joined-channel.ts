/**
 * One joined `realtime:<name>` topic on one socket: its claims (for RLS), its postgres_changes
 * bindings, its Broadcast/Presence settings, its Realtime Authorization policies when private,
 * the client's presence call budget, and the timer that closes it when its token expires, as
 * Supabase does ("Token has expired ..." system message, then `phx_close`).
 */
import type { JwtClaims } from '../database/database';
import type { ChangeSubscriber } from './change-dispatcher';
import type { HubMember } from './channel-hub';
import { emptyPolicies, type Extension, type Policies } from './channel-authorization';
import { encodeWithJsonPayload, type Vsn } from './phoenix-serializer';
import type { ResolvedBinding } from './resolve-bindings';

/** setTimeout cannot wait longer than ~24.8 days; re-arm at most hourly instead. */
const MAX_TIMER_MS = 60 * 60 * 1000;

export interface ChannelOptions {
  topic: string;
  joinRef: string | null;
  vsn: Vsn;
  token: string;
  claims: JwtClaims;
  expiresAtMs: number | null;
  bindings: ResolvedBinding[];
  presenceKey: string;
  presenceEnabled: boolean;
  broadcastSelf: boolean;
  broadcastAck: boolean;
  isPrivate: boolean;
  policies: Policies;
  /** Sends a frame on this channel's socket. */
  send(topic: string, joinRef: string | null, ref: string | null, event: string, payload: unknown): void;
  sendFrame(frame: string | Buffer): void;
  /** Called when the token runs out; the owner closes the channel. */
  onExpired(channel: JoinedChannel): void;
  /** Closes the channel with a system error (Supabase's shutdown_response). */
  onShutdown(channel: JoinedChannel, message: string): void;
}

export class JoinedChannel implements ChangeSubscriber, HubMember {
  readonly topic: string;
  readonly joinRef: string | null;
  readonly vsn: Vsn;
  readonly presenceKey: string;
  readonly broadcastSelf: boolean;
  readonly broadcastAck: boolean;
  readonly isPrivate: boolean;
  presenceEnabled: boolean;
  policies: Policies;
  bindings: ResolvedBinding[];
  token: string;
  /** Supabase's per-channel client presence budget: calls in the current window. */
  presenceCalls = { count: 0, resetAt: 0 };
  private currentClaims: JwtClaims;
  private expiryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: ChannelOptions) {
    this.topic = opts.topic;
    this.joinRef = opts.joinRef;
    this.vsn = opts.vsn;
    this.presenceKey = opts.presenceKey;
    this.presenceEnabled = opts.presenceEnabled;
    this.broadcastSelf = opts.broadcastSelf;
    this.broadcastAck = opts.broadcastAck;
    this.isPrivate = opts.isPrivate;
    this.policies = opts.policies;
    this.bindings = opts.bindings;
    this.token = opts.token;
    this.currentClaims = opts.claims;
    this.armExpiry(opts.expiresAtMs);
  }

  /** The topic without its `realtime:` prefix, as Supabase names it in system messages and policies. */
  get channelName(): string {
    return this.topic.slice('realtime:'.length);
  }

  claims(): JwtClaims {
    return this.currentClaims;
  }

  /** False once left, shut down or its socket closed: handlers check it after every await. */
  get isOpen(): boolean {
    return !this.closed;
  }

  setToken(token: string, claims: JwtClaims, expiresAtMs: number | null): void {
    this.token = token;
    this.currentClaims = claims;
    this.armExpiry(expiresAtMs);
  }

  canRead(extension: Extension): boolean {
    return !this.isPrivate || (extension === 'broadcast' ? this.policies.broadcast.read : this.policies.presence.read) === true;
  }

  resetPolicies(): void {
    this.policies = emptyPolicies();
  }

  push(event: string, payload: unknown): void {
    if (!this.closed) this.opts.send(this.topic, this.joinRef, null, event, payload);
  }

  pushFrame(frame: string | Buffer): void {
    if (!this.closed) this.opts.sendFrame(frame);
  }

  reply(ref: string | null, status: 'ok' | 'error', response: unknown): void {
    this.opts.send(this.topic, this.joinRef, ref, 'phx_reply', { status, response });
  }

  deliver(ids: number[], dataJson: string): void {
    if (this.closed) return;
    const payload = `{"ids":${JSON.stringify(ids)},"data":${dataJson}}`;
    this.opts.sendFrame(encodeWithJsonPayload({ topic: this.topic, joinRef: this.joinRef, ref: null, event: 'postgres_changes' }, payload, this.vsn));
  }

  system(extension: 'postgres_changes' | 'system', status: 'ok' | 'error', message: string): void {
    this.push('system', { extension, status, message, channel: this.channelName });
  }

  shutdown(message: string): void {
    if (!this.closed) this.opts.onShutdown(this, message);
  }

  /** Phoenix tells the client a server-side close with `phx_close`, ref = join ref. */
  sendClose(): void {
    this.opts.send(this.topic, this.joinRef, this.joinRef, 'phx_close', {});
  }

  dispose(): void {
    this.closed = true;
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
