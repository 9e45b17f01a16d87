/**
 * A client's `broadcast` push on a joined channel, handled as Supabase's BroadcastHandler does:
 * - private channel: the first send asks the database whether this JWT may write (INSERT policy
 *   on realtime.messages); a channel that may not has its messages dropped without a reply, even
 *   with `ack` (the client's send then times out, as against Supabase);
 * - a payload over the limit is not relayed; with `ack` the reply says `payload_size_exceeded`;
 * - otherwise it goes to every member of the topic that may read broadcasts (the sender too with
 *   `broadcast.self`), and with `ack` the reply is `ok`.
 */
import type { Database } from '../database/database';
import { writePolicies } from './channel-authorization';
import type { ChannelHub } from './channel-hub';
import type { JoinedChannel } from './joined-channel';
import { describe, type BroadcastPush, type PhoenixMessage } from './phoenix-serializer';

export interface BroadcastContext {
  db: Database;
  hub: ChannelHub;
  maxPayloadBytes: number;
  log: (line: string) => void;
}

/** The push as Supabase relays it: a binary push's bytes, or the client's map verbatim. */
function toBroadcast(msg: PhoenixMessage): BroadcastPush | null {
  if (msg.userBroadcast) return { kind: 'user', ...msg.userBroadcast };
  const p = msg.payload;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return null;
  return { kind: 'map', payload: p as Record<string, unknown> };
}

function sizeOf(b: BroadcastPush): number {
  return b.kind === 'user' ? b.body.length + Buffer.byteLength(b.event) : Buffer.byteLength(JSON.stringify(b.payload));
}

export async function handleBroadcast(
  ctx: BroadcastContext,
  channel: JoinedChannel,
  msg: PhoenixMessage,
  reply: (status: 'ok' | 'error', response: unknown) => void,
): Promise<void> {
  const message = toBroadcast(msg);
  if (!message) {
    // Supabase would relay any JSON value; realtime-js only ever sends a map. Say so rather than
    // fan out something no client can read.
    if (channel.broadcastAck) reply('error', { reason: `broadcast payload must be a map {type, event, payload}, received ${describe(msg.payload)}` });
    return;
  }
  if (channel.isPrivate) {
    if (channel.policies.broadcast.write === undefined) {
      try {
        const write = await writePolicies(ctx.db, channel.claims(), channel.channelName, ['broadcast', 'presence']);
        channel.policies.broadcast.write = write.broadcast === true;
        channel.policies.presence.write ??= write.presence === true;
      } catch (err) {
        ctx.log(`realtime: RlsPolicyError on ${channel.topic}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
    if (!channel.isOpen || channel.policies.broadcast.write !== true) return;
  }
  if (sizeOf(message) > ctx.maxPayloadBytes) {
    if (channel.broadcastAck) reply('error', 'payload_size_exceeded');
    return;
  }
  ctx.hub.broadcast(channel, message);
  if (channel.broadcastAck) reply('ok', {});
}
