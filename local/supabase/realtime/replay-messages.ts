/**
 * Broadcast replay on a private channel (`config.broadcast.replay: {since, limit}`), as Supabase's
 * Realtime.Messages.replay does it: the channel's own broadcasts stored in realtime.messages since
 * `since` (milliseconds since the epoch), at most `limit` (1 to 25, default 25), oldest first,
 * each pushed with `meta: {replayed: true, id}`. Read access was checked by the join.
 */
import type { SqlExecutor } from '../database/database';
import type { BroadcastPush } from './phoenix-serializer';

const HARD_LIMIT = 25;

export type ReplayRequest = { ok: true; since: number; limit: number } | { ok: false };

export function parseReplay(replay: unknown): ReplayRequest {
  if (typeof replay !== 'object' || replay === null || Array.isArray(replay)) return { ok: false };
  const { since, limit } = replay as { since?: unknown; limit?: unknown };
  if (!Number.isInteger(since) || (limit !== undefined && limit !== null && !Number.isInteger(limit))) return { ok: false };
  return { ok: true, since: since as number, limit: Math.max(1, Math.min(HARD_LIMIT, (limit as number | null | undefined) ?? HARD_LIMIT)) };
}

export async function loadReplay(db: SqlExecutor, topic: string, since: number, limit: number): Promise<BroadcastPush[]> {
  const { rows } = await db.query<{ id: string; event: string | null; payload: string | null; binary_payload: Uint8Array | null }>(
    `select id::text as id, event, payload::text as payload, binary_payload
       from realtime.messages
      where topic = $1 and private is true and extension = 'broadcast'
        -- inserted_at is a timestamp without time zone written by now(): compare in the same zone.
        and inserted_at >= to_timestamp($2::bigint / 1000.0)::timestamp
        and inserted_at < now()::timestamp + interval '1 minute'
      order by inserted_at desc
      limit $3`,
    [topic, since, limit],
  );
  return rows.reverse().map((r): BroadcastPush => {
    const meta = { replayed: true, id: r.id };
    if (r.binary_payload !== null) return { kind: 'user', event: r.event ?? '', encoding: 'binary', body: Buffer.from(r.binary_payload), meta };
    const payload: unknown = r.payload === null ? null : JSON.parse(r.payload);
    return { kind: 'map', payload: { payload, event: r.event, type: 'broadcast', meta } };
  });
}
