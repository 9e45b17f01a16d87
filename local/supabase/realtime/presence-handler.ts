/**
 * A client's `presence` push (track / untrack) on a joined channel, handled as Supabase's
 * PresenceHandler does, replies included:
 * - every call counts against the channel's client budget (5 per 30 s by default); one more
 *   closes the channel with "Client presence rate limit exceeded";
 * - track: the payload must be a map (else an error reply naming it); an unchanged payload is a
 *   no-op; one over the size limit closes the channel ("Track message size exceeded"), as does a
 *   project over its presence rate ("Too many presence messages per second"); on a private
 *   channel the JWT must pass the INSERT policy on realtime.messages for `presence`, else the
 *   reply is an error;
 * - untrack always answers ok; an unknown event answers an error; no event at all, ok.
 */
import type { Database } from '../database/database';
import { readPolicies, writePolicies } from './channel-authorization';
import type { ChannelHub } from './channel-hub';
import type { JoinedChannel } from './joined-channel';
import type { RealtimeLimits } from './realtime-limits';

export interface PresenceContext {
  db: Database;
  hub: ChannelHub;
  limits: RealtimeLimits;
  log: (line: string) => void;
}

type Reply = (status: 'ok' | 'error', response: unknown) => void;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Supabase's limit_client_presence_event: a window opens at the first call and allows max_calls. */
function withinClientBudget(channel: JoinedChannel, limits: RealtimeLimits, now: number): boolean {
  const b = channel.presenceCalls;
  if (b.resetAt === 0 || now > b.resetAt) {
    b.count = 1;
    b.resetAt = now + limits.clientPresenceWindowMs;
    return true;
  }
  if (b.count >= limits.clientPresenceMaxCalls) return false;
  b.count++;
  return true;
}

/** Presence write on a private channel, evaluated once (read too, if the join did not need it). */
async function mayTrack(ctx: PresenceContext, channel: JoinedChannel): Promise<boolean> {
  if (channel.policies.presence.write === undefined) {
    const claims = channel.claims();
    if (channel.policies.presence.read === undefined) {
      channel.policies.presence.read = (await readPolicies(ctx.db, claims, channel.channelName, ['presence'])).presence === true;
    }
    const write = await writePolicies(ctx.db, claims, channel.channelName, ['broadcast', 'presence']);
    channel.policies.presence.write = write.presence === true;
    channel.policies.broadcast.write ??= write.broadcast === true;
  }
  return channel.policies.presence.write === true;
}

export async function handlePresence(ctx: PresenceContext, channel: JoinedChannel, payload: unknown, reply: Reply): Promise<void> {
  const p = isMap(payload) ? payload : {};
  if (typeof p.event !== 'string') return reply('ok', {});
  if (!withinClientBudget(channel, ctx.limits, Date.now())) {
    ctx.log(`realtime: ClientPresenceRateLimitReached on ${channel.topic}`);
    return channel.shutdown('Client presence rate limit exceeded');
  }
  const event = p.event.toLowerCase();
  if (event === 'untrack') {
    ctx.hub.untrack(channel);
    return reply('ok', {});
  }
  if (event !== 'track') {
    ctx.log(`realtime: UnknownPresenceEvent ${JSON.stringify(event).slice(0, 60)} on ${channel.topic}`);
    return reply('error', {});
  }
  if (channel.isPrivate) {
    let allowed: boolean;
    try {
      allowed = await mayTrack(ctx, channel);
    } catch (err) {
      ctx.log(`realtime: RlsPolicyError on ${channel.topic}: ${err instanceof Error ? err.message : String(err)}`);
      allowed = false;
    }
    if (!channel.isOpen) return;
    if (!allowed) return reply('error', {});
  }
  const meta = 'payload' in p ? p.payload : {};
  if (!isMap(meta)) return reply('error', { reason: 'Presence track payload must be a map' });
  if (Buffer.byteLength(JSON.stringify(meta)) > ctx.limits.maxPayloadBytes) return channel.shutdown('Track message size exceeded');
  if (ctx.hub.presenceOverLimit()) return channel.shutdown('Too many presence messages per second');
  ctx.hub.presenceEvents.add(1);
  ctx.hub.track(channel, meta);
  channel.presenceEnabled = true;
  reply('ok', {});
}
