/**
 * The `phx_join` payload realtime-js sends, validated from `unknown`:
 * `{config: {broadcast, presence, postgres_changes: [{event, schema, table, filter}], private}, access_token}`.
 * Shape errors in `config` fall back to defaults (as Supabase does, logging them); a binding that is
 * not an object with string fields is reported on the binding so the channel can say which one.
 */

export const POSTGRES_EVENTS = ['*', 'INSERT', 'UPDATE', 'DELETE'] as const;
export type PostgresEvent = (typeof POSTGRES_EVENTS)[number];

/** A binding as the client sent it: echoed back verbatim (plus an id) in the join reply. */
export interface RawBinding {
  /** The client's own object, so the echo compares equal in realtime-js. */
  echo: Record<string, unknown>;
  event: PostgresEvent;
  schema: string;
  table: string;
  filter: string | undefined;
  /** Why this binding cannot be honoured, if it cannot. */
  invalid?: string;
}

export interface JoinRequest {
  accessToken: string | undefined;
  broadcastSelf: boolean;
  broadcastAck: boolean;
  presenceKey: string;
  presenceEnabled: boolean;
  isPrivate: boolean;
  /** `config.broadcast.replay` as sent (private channels only); undefined when absent. */
  replay: unknown;
  /** `config.broadcast.replication_ready`: say when changes are being captured. */
  replicationReady: boolean;
  bindings: RawBinding[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Supabase's FlexibleBoolean: true/false, or the strings "true"/"false" in any case. */
function bool(v: unknown, fallback: boolean): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return fallback;
}

function parseBinding(raw: unknown, index: number): RawBinding {
  if (!isRecord(raw)) {
    return {
      echo: {},
      event: '*',
      schema: '',
      table: '',
      filter: undefined,
      invalid: `config.postgres_changes[${index}] must be an object, received ${JSON.stringify(raw)}`,
    };
  }
  const problems: string[] = [];
  const eventRaw = raw.event;
  let event: PostgresEvent = '*';
  if (typeof eventRaw === 'string') {
    const up = eventRaw.toUpperCase();
    // Supabase treats any unknown event as '*'; we say so instead, since a typo would otherwise
    // silently widen the subscription.
    if ((POSTGRES_EVENTS as readonly string[]).includes(up)) event = up as PostgresEvent;
    else problems.push(`event must be one of ${POSTGRES_EVENTS.join(', ')}, received ${JSON.stringify(eventRaw)}`);
  } else if (eventRaw !== undefined) {
    problems.push(`event must be a string, received ${JSON.stringify(eventRaw)}`);
  }
  const str = (k: string): string | undefined => {
    const v = raw[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      problems.push(`${k} must be a string, received ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  };
  const schemaRaw = str('schema');
  const tableRaw = str('table');
  const filter = str('filter');
  if (schemaRaw === undefined && tableRaw === undefined && problems.length === 0) {
    problems.push('provide at least a `schema` or `table` to subscribe to');
  }
  const binding: RawBinding = {
    echo: raw,
    event,
    schema: schemaRaw ?? 'public',
    table: tableRaw ?? '*',
    filter,
  };
  if (problems.length > 0) binding.invalid = `config.postgres_changes[${index}]: ${problems.join('; ')}`;
  return binding;
}

export function parseJoinPayload(payload: unknown): JoinRequest {
  const p = isRecord(payload) ? payload : {};
  const config = isRecord(p.config) ? p.config : {};
  const broadcast = isRecord(config.broadcast) ? config.broadcast : {};
  const presence = isRecord(config.presence) ? config.presence : {};
  const token = p.access_token ?? p.user_token;
  const pgRaw = Array.isArray(config.postgres_changes) ? config.postgres_changes : [];
  const bindings = pgRaw.filter((b) => b !== null && b !== undefined).map(parseBinding);
  return {
    accessToken: typeof token === 'string' && token.length > 0 ? token : undefined,
    broadcastSelf: bool(broadcast.self, false),
    broadcastAck: bool(broadcast.ack, false),
    presenceKey: typeof presence.key === 'string' ? presence.key : typeof presence.key === 'number' ? String(presence.key) : '',
    presenceEnabled: bool(presence.enabled, false),
    isPrivate: bool(config.private, false),
    replay: broadcast.replay,
    replicationReady: bool(broadcast.replication_ready, false),
    bindings,
  };
}
