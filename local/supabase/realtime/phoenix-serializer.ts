/**
 * Phoenix channel frames as realtime-js speaks them: vsn 1.0.0 sends JSON objects, vsn 2.0.0 sends
 * JSON arrays `[join_ref, ref, topic, event, payload]` plus binary "user broadcast push" frames for
 * `broadcast` (see @supabase/realtime-js lib/serializer.ts and Supabase's RealtimeWeb.Socket.V2Serializer). Decoding takes `unknown` bytes from the
 * wire and never throws: a bad frame becomes a `FrameError` the session answers politely.
 */

export type Vsn = '1.0.0' | '2.0.0';
export const SUPPORTED_VSNS: readonly Vsn[] = ['1.0.0', '2.0.0'];

export interface PhoenixMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
  /** Set for a binary "user broadcast push" (kind 3): the bytes as sent, relayed as they are. */
  userBroadcast?: UserBroadcast;
}

/** Supabase's UserBroadcast: an event and its payload bytes, JSON text or opaque binary. */
export interface UserBroadcast {
  event: string;
  encoding: 'json' | 'binary';
  body: Buffer;
  /** Sent as the frame's metadata (Supabase puts the message id of a database broadcast here). */
  meta?: Record<string, unknown>;
}

/**
 * A Broadcast on its way to channels, as Supabase carries it: the client's own map (a JSON
 * `broadcast` push, relayed verbatim) or a UserBroadcast (binary push, or realtime.send).
 */
export type BroadcastPush = { kind: 'map'; payload: Record<string, unknown> } | ({ kind: 'user' } & UserBroadcast);

export class FrameError extends Error {
  constructor(
    message: string,
    /** What of the frame we could read, so the reply can still carry its ref and topic. */
    readonly partial: { ref: string | null; topic: string | null; joinRef: string | null } = {
      ref: null,
      topic: null,
      joinRef: null,
    },
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/** realtime-js kinds for binary frames: 3 = client push, 4 = server broadcast. */
const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const ENCODING_BINARY = 0;
const ENCODING_JSON = 1;

function refOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function fromParts(joinRef: unknown, ref: unknown, topic: unknown, event: unknown, payload: unknown): PhoenixMessage {
  const partial = { ref: refOf(ref), topic: typeof topic === 'string' ? topic : null, joinRef: refOf(joinRef) };
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new FrameError(`frame field "topic" must be a non-empty string, received ${describe(topic)}`, partial);
  }
  if (typeof event !== 'string' || event.length === 0) {
    throw new FrameError(`frame field "event" must be a non-empty string, received ${describe(event)}`, partial);
  }
  return { joinRef: partial.joinRef, ref: partial.ref, topic, event, payload: payload ?? {} };
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Decodes one WebSocket frame. Throws FrameError on anything realtime-js would not send. */
export function decodeFrame(data: Buffer, isBinary: boolean, vsn: Vsn): PhoenixMessage {
  if (isBinary) {
    if (vsn !== '2.0.0') throw new FrameError('binary frames need vsn 2.0.0');
    return decodeBinaryPush(data);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    throw new FrameError(`frame is not valid JSON (${data.length} bytes)`);
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length !== 5) {
      throw new FrameError(`vsn 2.0.0 frame must be a JSON array [join_ref, ref, topic, event, payload], received ${describe(parsed)}`);
    }
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    return fromParts(joinRef, ref, topic, event, payload);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FrameError(`vsn 1.0.0 frame must be a JSON object {topic, event, payload, ref}, received ${describe(parsed)}`);
  }
  const o = parsed as Record<string, unknown>;
  return fromParts(o.join_ref, o.ref, o.topic, o.event, o.payload);
}

/** Kind 3: [kind, joinRefLen, refLen, topicLen, eventLen, metaLen, encoding, ...strings, payload]. */
function decodeBinaryPush(data: Buffer): PhoenixMessage {
  const HEADER = 7;
  const kind = data[0];
  if (kind !== KIND_USER_BROADCAST_PUSH) {
    throw new FrameError(`binary frame kind must be ${KIND_USER_BROADCAST_PUSH} (user broadcast push), received ${kind}`);
  }
  if (data.length < HEADER) throw new FrameError(`binary frame too short (${data.length} bytes, header is ${HEADER})`);
  const lens = [data[1]!, data[2]!, data[3]!, data[4]!, data[5]!];
  const encoding = data[6];
  const total = HEADER + lens.reduce((a, b) => a + b, 0);
  if (data.length < total) throw new FrameError(`binary frame truncated: header announces ${total} bytes, received ${data.length}`);
  let offset = HEADER;
  const [joinRef, ref, topic, userEvent, meta] = lens.map((len) => {
    const s = data.subarray(offset, offset + len).toString('utf8');
    offset += len;
    return s;
  }) as [string, string, string, string, string];
  const body = data.subarray(offset);
  let userPayload: unknown;
  if (encoding === ENCODING_JSON) {
    try {
      userPayload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new FrameError('binary broadcast payload marked JSON is not valid JSON', { ref: ref || null, topic, joinRef: joinRef || null });
    }
  } else if (encoding === ENCODING_BINARY) {
    userPayload = Buffer.from(body);
  } else {
    throw new FrameError(`binary frame encoding must be 0 (binary) or 1 (JSON), received ${encoding}`);
  }
  let metadata: Record<string, unknown> = {};
  if (meta) {
    try {
      const m: unknown = JSON.parse(meta);
      if (typeof m === 'object' && m !== null && !Array.isArray(m)) metadata = m as Record<string, unknown>;
    } catch {
      throw new FrameError('binary frame metadata is not valid JSON');
    }
  }
  const payload = { ...metadata, type: 'broadcast', event: userEvent, payload: userPayload };
  const msg = fromParts(joinRef || null, ref || null, topic, 'broadcast', payload);
  // Supabase ignores the push's metadata when relaying (RealtimeChannel.BroadcastHandler).
  msg.userBroadcast = { event: userEvent, encoding: encoding === ENCODING_JSON ? 'json' : 'binary', body: Buffer.from(body) };
  return msg;
}

/** Encodes a server message (JSON: an object for vsn 1.0.0, an array for 2.0.0). */
export function encodeMessage(msg: PhoenixMessage, vsn: Vsn): string {
  if (vsn === '2.0.0') return JSON.stringify([msg.joinRef, msg.ref, msg.topic, msg.event, msg.payload]);
  return JSON.stringify({ join_ref: msg.joinRef, ref: msg.ref, topic: msg.topic, event: msg.event, payload: msg.payload });
}

/**
 * The same frame around a payload that is already JSON text, so a change going to many
 * subscribers is serialised once (as Supabase's fastlane caches the encoded message).
 */
export function encodeWithJsonPayload(msg: Omit<PhoenixMessage, 'payload'>, payloadJson: string, vsn: Vsn): string {
  const head = (v: unknown): string => JSON.stringify(v);
  if (vsn === '2.0.0') return `[${head(msg.joinRef)},${head(msg.ref)},${head(msg.topic)},${head(msg.event)},${payloadJson}]`;
  return `{"join_ref":${head(msg.joinRef)},"ref":${head(msg.ref)},"topic":${head(msg.topic)},"event":${head(msg.event)},"payload":${payloadJson}}`;
}

/**
 * Encodes a Broadcast for one serializer, as Supabase's V2Serializer and its V1 fallback do: a map
 * as an ordinary `broadcast` message; a UserBroadcast as a kind-4 binary frame on vsn 2.0.0, as a
 * JSON `{type, event, payload, meta}` on vsn 1.0.0. Returns null where Supabase delivers nothing:
 * binary payloads on vsn 1.0.0, and topic, event or metadata over 255 bytes.
 */
export function encodeBroadcast(topic: string, b: BroadcastPush, vsn: Vsn): string | Buffer | null {
  if (b.kind === 'map') return encodeMessage({ joinRef: null, ref: null, topic, event: 'broadcast', payload: b.payload }, vsn);
  if (vsn === '1.0.0') {
    if (b.encoding !== 'json') return null;
    const meta = b.meta ? `,"meta":${JSON.stringify(b.meta)}` : '';
    const payload = `{"event":${JSON.stringify(b.event)},"payload":${b.body.toString('utf8')},"type":"broadcast"${meta}}`;
    return `{"join_ref":null,"ref":null,"topic":${JSON.stringify(topic)},"event":"broadcast","payload":${payload}}`;
  }
  const t = Buffer.from(topic, 'utf8');
  const e = Buffer.from(b.event, 'utf8');
  const m = Buffer.from(b.meta ? JSON.stringify(b.meta) : '', 'utf8');
  if (t.length > 255 || e.length > 255 || m.length > 255) return null;
  const header = Buffer.from([KIND_USER_BROADCAST, t.length, e.length, m.length, b.encoding === 'json' ? ENCODING_JSON : ENCODING_BINARY]);
  return Buffer.concat([header, t, e, m, b.body]);
}
