/**
 * Topic membership across sockets, for Broadcast and Presence. A private channel and a public one
 * of the same name are different topics, as in Supabase (`<tenant>-private:<name>` vs
 * `<tenant>:<name>`). Presence keeps Phoenix's shape: state `{key: {metas: [{phx_ref, ...meta}]}}`,
 * diffs `{joins, leaves}` in the same shape, which realtime-js syncs from `presence_state` /
 * `presence_diff`; every member that may read presence gets every diff, its own included.
 * Deliveries count against the project's message rates (RealtimeLimits): a member that receives
 * a broadcast while the project is over its rate is shut down, as Supabase's channel is.
 */
import { randomBytes } from 'node:crypto';
import { encodeBroadcast, type BroadcastPush, type Vsn } from './phoenix-serializer';
import { RateCounter, type RealtimeLimits } from './realtime-limits';

export interface HubMember {
  /** `realtime:<name>`. */
  readonly topic: string;
  readonly isPrivate: boolean;
  readonly presenceKey: string;
  readonly broadcastSelf: boolean;
  readonly vsn: Vsn;
  /** Public channels read everything; private ones what their policies allow. */
  canRead(extension: 'broadcast' | 'presence'): boolean;
  push(event: string, payload: unknown): void;
  pushFrame(frame: string | Buffer): void;
  /** Supabase's shutdown_response: a system error naming why, then the channel is closed. */
  shutdown(message: string): void;
}

interface PresenceEntry {
  key: string;
  meta: Record<string, unknown>;
  /** The payload as tracked, to tell an unchanged track (a no-op) from an update. */
  tracked: string;
}

type PresenceMap = Record<string, { metas: Record<string, unknown>[] }>;

function scopeOf(m: { topic: string; isPrivate: boolean }): string {
  return `${m.isPrivate ? 'private' : 'public'}|${m.topic}`;
}

/** Phoenix.Tracker's refs are short random strings. */
function phxRef(): string {
  return randomBytes(12).toString('base64url');
}

export class ChannelHub {
  private readonly topics = new Map<string, Set<HubMember>>();
  private readonly presence = new Map<string, Map<HubMember, PresenceEntry>>();
  /** Broadcast messages per second over the project (Supabase's events_per_second counter). */
  readonly events: RateCounter;
  readonly presenceEvents: RateCounter;

  constructor(
    private readonly limits: RealtimeLimits,
    now: () => number = Date.now,
  ) {
    this.events = new RateCounter(now);
    this.presenceEvents = new RateCounter(now);
  }

  eventsOverLimit(): boolean {
    return this.events.perSecond() >= this.limits.maxEventsPerSecond;
  }

  presenceOverLimit(): boolean {
    return this.presenceEvents.perSecond() > this.limits.maxPresenceEventsPerSecond;
  }

  join(m: HubMember): void {
    const scope = scopeOf(m);
    let set = this.topics.get(scope);
    if (!set) this.topics.set(scope, (set = new Set()));
    set.add(m);
  }

  leave(m: HubMember): void {
    this.untrack(m);
    const scope = scopeOf(m);
    const set = this.topics.get(scope);
    set?.delete(m);
    if (set && set.size === 0) this.topics.delete(scope);
  }

  /** A client's broadcast to the others on its topic (and itself with `broadcast.self`). */
  broadcast(from: HubMember, message: BroadcastPush): void {
    this.events.add(1);
    this.fanOut(scopeOf(from), message, from);
  }

  /** A message from the server side (realtime.messages, the broadcast API) for the public or the private topic of that name. */
  broadcastToTopic(topic: string, isPrivate: boolean, message: BroadcastPush): void {
    this.events.add(1);
    this.fanOut(scopeOf({ topic, isPrivate }), message, null);
  }

  private fanOut(scope: string, message: BroadcastPush, from: HubMember | null): void {
    const frames = new Map<Vsn, string | Buffer | null>();
    for (const m of [...(this.topics.get(scope) ?? [])]) {
      if (m === from && !from.broadcastSelf) continue;
      if (!m.canRead('broadcast')) continue;
      let frame = frames.get(m.vsn);
      if (frame === undefined) frames.set(m.vsn, (frame = encodeBroadcast(m.topic, message, m.vsn)));
      if (frame === null) continue;
      m.pushFrame(frame);
      this.events.add(1);
      if (this.eventsOverLimit()) m.shutdown('Too many messages per second');
    }
  }

  presenceState(m: HubMember): PresenceMap {
    const state: PresenceMap = {};
    for (const { key, meta } of this.presence.get(scopeOf(m))?.values() ?? []) {
      (state[key] ??= { metas: [] }).metas.push(meta);
    }
    return state;
  }

  /** Tracks or updates `m`'s presence; an unchanged payload changes nothing (no diff), as in Supabase. */
  track(m: HubMember, meta: Record<string, unknown>): void {
    const scope = scopeOf(m);
    let entries = this.presence.get(scope);
    if (!entries) this.presence.set(scope, (entries = new Map()));
    const previous = entries.get(m);
    const tracked = JSON.stringify(meta);
    if (previous && previous.tracked === tracked) return;
    const entry: PresenceEntry = { key: m.presenceKey, meta: { ...meta, phx_ref: phxRef() }, tracked };
    if (previous) entry.meta.phx_ref_prev = previous.meta.phx_ref;
    entries.set(m, entry);
    const leaves: PresenceMap = previous ? { [previous.key]: { metas: [previous.meta] } } : {};
    this.sendDiff(scope, { joins: { [entry.key]: { metas: [entry.meta] } }, leaves });
  }

  untrack(m: HubMember): void {
    const scope = scopeOf(m);
    const entries = this.presence.get(scope);
    const previous = entries?.get(m);
    if (!entries || !previous) return;
    entries.delete(m);
    if (entries.size === 0) this.presence.delete(scope);
    this.sendDiff(scope, { joins: {}, leaves: { [previous.key]: { metas: [previous.meta] } } });
  }

  private sendDiff(scope: string, diff: { joins: PresenceMap; leaves: PresenceMap }): void {
    let delivered = 0;
    for (const m of [...(this.topics.get(scope) ?? [])]) {
      if (!m.canRead('presence')) continue;
      m.push('presence_diff', diff);
      delivered++;
    }
    this.presenceEvents.add(delivered);
  }
}
