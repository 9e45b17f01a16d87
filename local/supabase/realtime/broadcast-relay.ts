/**
 * Broadcast from the database: every committed insert into realtime.messages (realtime.send,
 * realtime.broadcast_changes, or a plain INSERT a policy allowed) is read back by id, in commit
 * order, and sent to the channels of its topic, public or private as the row says, the way
 * Supabase's ReplicationConnection does: a UserBroadcast whose metadata is `{id}`, refused (and
 * logged as UnableToBroadcastChanges) without an event or payload, over the payload limit, or
 * while the project is over its message rate.
 */
import type { Database } from '../database/database';
import { MESSAGES_CHANNEL, pruneMessages } from './broadcast-schema';
import type { ChannelHub } from './channel-hub';
import type { BroadcastPush } from './phoenix-serializer';

interface MessageRow {
  id: string;
  topic: string;
  event: string | null;
  private: boolean | null;
  payload: string | null;
  binary_payload: Uint8Array | null;
}

export class BroadcastRelay {
  private queue: Promise<void> = Promise.resolve();
  private unlisten: (() => Promise<void>) | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly hub: ChannelHub,
    private readonly maxPayloadBytes: number,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(MESSAGES_CHANNEL, (id) => {
      this.queue = this.queue.then(() => this.relay(id)).catch((err: unknown) => this.fail(err));
    });
    this.pruneTimer = setInterval(() => {
      pruneMessages(this.db).catch((err: unknown) => this.log(`realtime: pruning realtime.messages failed: ${String(err)}`));
    }, 10 * 60_000);
    this.pruneTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.queue.catch(() => undefined);
    await this.unlisten?.().catch(() => undefined);
  }

  private fail(err: unknown): void {
    this.log(`realtime: UnableToBroadcastChanges: ${err instanceof Error ? err.message : String(err)}`);
  }

  private async relay(id: string): Promise<void> {
    if (this.closed || !/^[0-9a-f-]{36}$/i.test(id)) return;
    const { rows } = await this.db.query<MessageRow>(
      'select id::text as id, topic, event, private, payload::text as payload, binary_payload from realtime.messages where id = $1::uuid',
      [id],
    );
    const row = rows[0];
    if (!row) return; // deleted before we read it
    if (row.event === null) return this.fail(`message ${id}: event_missing`);
    if (row.private === null) return this.fail(`message ${id}: private_missing`);
    let message: BroadcastPush;
    if (row.binary_payload !== null) {
      message = { kind: 'user', event: row.event, encoding: 'binary', body: Buffer.from(row.binary_payload), meta: { id: row.id } };
    } else if (row.payload !== null) {
      message = { kind: 'user', event: row.event, encoding: 'json', body: Buffer.from(row.payload, 'utf8'), meta: { id: row.id } };
    } else {
      return this.fail(`message ${id}: payload_missing`);
    }
    if (message.body.length > this.maxPayloadBytes) return this.fail(`message ${id}: payload_size_exceeded`);
    if (this.hub.eventsOverLimit()) return this.fail(`message ${id}: too_many_messages_per_second`);
    this.hub.broadcastToTopic(`realtime:${row.topic}`, row.private, message);
  }
}
