/**
 * Topic membership across sockets, for Broadcast and Presence on public channels. Presence keeps
 * Phoenix's shape: state `{key: {metas: [{phx_ref, ...meta}]}}`, diffs `{joins, leaves}` in the same
 * shape, which @supabase/phoenix's Presence syncs from `presence_state` / `presence_diff`.
 */
import { randomUUID } from 'node:crypto';

export interface HubMember {
  readonly topic: string;
  readonly presenceKey: string;
  readonly broadcastSelf: boolean;
  push(event: string, payload: unknown): void;
}

interface PresenceEntry {
  key: string;
  meta: Record<string, unknown>;
}

type PresenceMap = Record<string, { metas: Record<string, unknown>[] }>;

export class ChannelHub {
  private readonly topics = new Map<string, Set<HubMember>>();
  private readonly presence = new Map<string, Map<HubMember, PresenceEntry>>();

  join(m: HubMember): void {
    let set = this.topics.get(m.topic);
    if (!set) this.topics.set(m.topic, (set = new Set()));
    set.add(m);
  }

  leave(m: HubMember): void {
    this.untrack(m);
    const set = this.topics.get(m.topic);
    set?.delete(m);
    if (set && set.size === 0) this.topics.delete(m.topic);
  }

  broadcast(from: HubMember, payload: { type: 'broadcast'; event: string; payload: unknown }): void {
    for (const m of this.topics.get(from.topic) ?? []) {
      if (m === from && !from.broadcastSelf) continue;
      m.push('broadcast', payload);
    }
  }

  presenceState(topic: string): PresenceMap {
    const state: PresenceMap = {};
    for (const { key, meta } of this.presence.get(topic)?.values() ?? []) {
      (state[key] ??= { metas: [] }).metas.push(meta);
    }
    return state;
  }

  track(m: HubMember, meta: Record<string, unknown>): void {
    let entries = this.presence.get(m.topic);
    if (!entries) this.presence.set(m.topic, (entries = new Map()));
    const previous = entries.get(m);
    const entry: PresenceEntry = {
      key: previous?.key ?? (m.presenceKey || randomUUID()),
      meta: { ...meta, phx_ref: randomUUID().replace(/-/g, '').slice(0, 20) },
    };
    if (previous) entry.meta.phx_ref_prev = previous.meta.phx_ref;
    entries.set(m, entry);
    const leaves: PresenceMap = previous ? { [previous.key]: { metas: [previous.meta] } } : {};
    this.sendDiff(m.topic, { joins: { [entry.key]: { metas: [entry.meta] } }, leaves });
  }

  untrack(m: HubMember): void {
    const entries = this.presence.get(m.topic);
    const previous = entries?.get(m);
    if (!entries || !previous) return;
    entries.delete(m);
    if (entries.size === 0) this.presence.delete(m.topic);
    this.sendDiff(m.topic, { joins: {}, leaves: { [previous.key]: { metas: [previous.meta] } } });
  }

  private sendDiff(topic: string, diff: { joins: PresenceMap; leaves: PresenceMap }): void {
    for (const m of this.topics.get(topic) ?? []) m.push('presence_diff', diff);
  }
}
