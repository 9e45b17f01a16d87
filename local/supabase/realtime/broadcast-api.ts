/**
 * Broadcast over HTTP, as Supabase's Realtime serves it under `/realtime/v1/api`; the Bearer token
 * (else the apikey) must verify (401 `{"message":"Unauthorized"}`), the project's message rate
 * applies (429), and a private message needs the token to pass the INSERT policy on
 * realtime.messages for its topic. Answers 202 with no body.
 * - `POST /broadcast` (BroadcastController, realtime-js `send()` before a channel has joined):
 *   `{messages: [{topic, event, payload, private?, id?}]}`, validated like its changeset (422
 *   `{"errors": ...}`); private messages that may not be written are dropped silently;
 * - `POST /broadcast/:topic/events/:event[?private=true]` (BroadcastSingleController, realtime-js
 *   `httpSend()`): the body is the payload, JSON or `application/octet-stream` bytes (415 for
 *   anything else); a private message that may not be written is 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database, JwtClaims } from '../database/database';
import { BodyTooLargeError, headerValue, readBody, readBodyBytes, sendJson, sendText } from '../http-io';
import { writePolicies } from './channel-authorization';
import type { ChannelHub } from './channel-hub';
import type { RealtimeLimits } from './realtime-limits';

export interface BroadcastApiDeps {
  db: Database;
  hub: ChannelHub;
  limits: RealtimeLimits;
  verifyJwt: (token: string) => Promise<JwtClaims>;
  log: (line: string) => void;
}

interface ApiMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
  private: boolean;
  id?: string;
}

type FieldErrors = Record<string, string[]>;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Ecto's cast + validate_required on one message; null errors means valid. */
function validateMessage(raw: unknown, maxPayloadBytes: number): { message?: ApiMessage; errors: FieldErrors | null } {
  if (!isMap(raw)) return { errors: { messages: ['is invalid'] } };
  const errors: FieldErrors = {};
  const add = (field: string, why: string): void => void (errors[field] ??= []).push(why);
  const text = (field: string): string | undefined => {
    const v = raw[field];
    if (v === undefined || v === null || v === '') return void add(field, "can't be blank");
    if (typeof v !== 'string') return void add(field, 'is invalid');
    return v;
  };
  const topic = text('topic');
  const event = text('event');
  const payload = raw.payload;
  if (payload === undefined || payload === null) add('payload', "can't be blank");
  else if (!isMap(payload)) add('payload', 'is invalid');
  else if (Buffer.byteLength(JSON.stringify(payload)) > maxPayloadBytes) add('payload', 'Payload size exceeds tenant limit');
  const priv = raw.private;
  if (priv !== undefined && priv !== null && typeof priv !== 'boolean') add('private', 'is invalid');
  const id = raw.id;
  if (id !== undefined && id !== null && typeof id !== 'string') add('id', 'is invalid');
  if (Object.keys(errors).length > 0) return { errors };
  return {
    message: { topic: topic!, event: event!, payload: payload as Record<string, unknown>, private: priv === true, ...(typeof id === 'string' ? { id } : {}) },
    errors: null,
  };
}

function bearerOrApiKey(req: IncomingMessage): string | undefined {
  const auth = headerValue(req, 'authorization');
  if (auth) {
    const [scheme, token] = auth.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && token) return token;
  }
  return headerValue(req, 'apikey') || undefined;
}

export function createBroadcastApi(deps: BroadcastApiDeps) {
  const { hub, limits } = deps;
  const unauthorized = (res: ServerResponse): void => sendJson(res, 401, { message: 'Unauthorized' });

  async function broadcastOne(req: IncomingMessage, res: ServerResponse, claims: JwtClaims, topic: string, event: string): Promise<void> {
    const contentType = (headerValue(req, 'content-type') ?? 'application/json').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/json' && contentType !== 'application/octet-stream') {
      return sendJson(res, 415, { error: 'Unsupported Media Type. Use application/json or application/octet-stream' });
    }
    let raw: Buffer;
    try {
      raw = await readBodyBytes(req, limits.maxPayloadBytes * 2);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendJson(res, 422, { errors: { payload: ['Payload size exceeds tenant limit'] } });
      throw err;
    }
    let body: Buffer;
    let encoding: 'json' | 'binary';
    if (contentType === 'application/octet-stream') {
      body = raw;
      encoding = 'binary';
    } else {
      const text = raw.toString('utf8');
      if (text.trim() === '') return sendJson(res, 422, { errors: { payload: ["can't be blank"] } });
      try {
        body = Buffer.from(JSON.stringify(JSON.parse(text) as unknown));
      } catch {
        return sendJson(res, 400, { message: 'the body must be JSON (or application/octet-stream bytes)' });
      }
      encoding = 'json';
    }
    if (body.length > limits.maxPayloadBytes) return sendJson(res, 422, { errors: { payload: ['Payload size exceeds tenant limit'] } });
    if (hub.events.perSecond() >= limits.maxEventsPerSecond) return sendJson(res, 429, { message: 'You have exceeded your rate limit' });
    const isPrivate = new URL(req.url ?? '/', 'http://localhost').searchParams.get('private') === 'true';
    if (isPrivate) {
      let write: Awaited<ReturnType<typeof writePolicies>>;
      try {
        write = await writePolicies(deps.db, claims, topic, ['broadcast']);
      } catch (err) {
        deps.log(`realtime: RlsPolicyError on broadcast API for ${topic}: ${err instanceof Error ? err.message : String(err)}`);
        return sendJson(res, 422, { message: 'RLS policy error' });
      }
      if (write.broadcast !== true) return sendJson(res, 403, { message: 'Unauthorized' });
    }
    hub.broadcastToTopic(`realtime:${topic}`, isPrivate, { kind: 'user', event, encoding, body });
    sendText(res, 202, '');
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const single = /^\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path);
    if ((path !== '/broadcast' && !single) || req.method !== 'POST') {
      return sendJson(res, 404, {
        message: `no route for ${req.method} /realtime/v1/api${path}: the local Realtime serves POST /realtime/v1/api/broadcast and /realtime/v1/api/broadcast/{topic}/events/{event}`,
      });
    }
    const token = bearerOrApiKey(req);
    if (!token) return unauthorized(res);
    let claims: JwtClaims;
    try {
      claims = await deps.verifyJwt(token);
    } catch {
      return unauthorized(res);
    }
    if (single) return broadcastOne(req, res, claims, decodeURIComponent(single[1]!), decodeURIComponent(single[2]!));
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, limits.maxPayloadBytes * 4));
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, { message: err.message });
      return sendJson(res, 400, { message: 'the body must be JSON: {"messages": [{"topic", "event", "payload", "private"}]}' });
    }
    const list = isMap(body) ? body.messages : undefined;
    if (!Array.isArray(list) || list.length === 0) return sendJson(res, 422, { errors: { messages: ["can't be blank"] } });
    const checked = list.map((m) => validateMessage(m, limits.maxPayloadBytes));
    if (checked.some((c) => c.errors)) return sendJson(res, 422, { errors: { messages: checked.map((c) => c.errors ?? {}) } });
    const messages = checked.map((c) => c.message!);

    const rate = hub.events.perSecond();
    if (rate > limits.maxEventsPerSecond) return sendJson(res, 429, { message: 'You have exceeded your rate limit' });
    if (rate + messages.length > limits.maxEventsPerSecond) {
      return sendJson(res, 429, { message: 'Too many messages to broadcast, please reduce the batch size' });
    }
    const send = (m: ApiMessage): void => {
      const payload: Record<string, unknown> = { payload: m.payload, event: m.event, type: 'broadcast' };
      if (m.id) payload.meta = { id: m.id };
      hub.broadcastToTopic(`realtime:${m.topic}`, m.private, { kind: 'map', payload });
    };
    for (const m of messages) if (!m.private) send(m);
    const byTopic = new Map<string, ApiMessage[]>();
    for (const m of messages) if (m.private) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    for (const [topic, group] of byTopic) {
      try {
        const write = await writePolicies(deps.db, claims, topic, ['broadcast']);
        if (write.broadcast === true) group.forEach(send);
      } catch (err) {
        deps.log(`realtime: RlsPolicyError on broadcast API for ${topic}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    sendText(res, 202, '');
  };
}
