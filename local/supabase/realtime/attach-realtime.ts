/**
 * Mounts the Supabase Realtime endpoint (`/realtime/v1/websocket?apikey=...&vsn=...`) on an existing
 * HTTP server: Phoenix channels over WebSocket, `postgres_changes` fed by capture triggers in the
 * database, Broadcast between sockets and from the database (realtime.messages), private channels
 * authorised by RLS, Presence, and Supabase's limits.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Database, JwtClaims } from '../database/database';
import { createBroadcastApi } from './broadcast-api';
import { installBroadcastSchema } from './broadcast-schema';
import { BroadcastRelay } from './broadcast-relay';
import { installChangeCapture } from './change-capture';
import { ChangeDispatcher } from './change-dispatcher';
import { ChannelHub } from './channel-hub';
import { checkAccessToken } from './check-access-token';
import { SUPPORTED_VSNS, type Vsn } from './phoenix-serializer';
import { DEFAULT_REALTIME_LIMITS, RateCounter, type RealtimeLimits } from './realtime-limits';
import { RealtimeSession, type RealtimeServerState } from './realtime-session';

export interface AttachRealtimeOptions {
  server: Server;
  db: Database;
  verifyJwt: (token: string) => Promise<JwtClaims>;
  log?: (line: string) => void;
  /** Supabase's Free-plan limits unless overridden. */
  limits?: Partial<RealtimeLimits>;
}

export const REALTIME_PATH = '/realtime/v1/websocket';
/** Frames above this are refused by `ws` with close code 1009 (message too big). Supabase: 5 MB. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Supabase answers a refused upgrade with `{"error": message}` (RealtimeWeb.UserSocket.handle_error). */
function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface AttachedRealtime {
  /** Serves `/realtime/v1/api/*` (the HTTP Broadcast API); `path` is what follows `/realtime/v1/api`. */
  handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
  close(): Promise<void>;
}

export async function attachRealtime(opts: AttachRealtimeOptions): Promise<AttachedRealtime> {
  const log = opts.log ?? (() => undefined);
  const limits: RealtimeLimits = { ...DEFAULT_REALTIME_LIMITS, ...opts.limits };
  const { catalogWatched } = await installChangeCapture(opts.db);
  if (!catalogWatched) log('realtime: no event trigger (not a superuser): schema changes are noticed when a change or a join needs them');
  await installBroadcastSchema(opts.db);
  const dispatcher = new ChangeDispatcher(opts.db, log);
  await dispatcher.start();
  const hub = new ChannelHub(limits);
  const relay = new BroadcastRelay(opts.db, hub, limits.maxPayloadBytes, log);
  await relay.start();
  const state: RealtimeServerState = {
    db: opts.db,
    dispatcher,
    hub,
    verifyJwt: opts.verifyJwt,
    log,
    limits,
    joins: new RateCounter(),
    users: new Set(),
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== REALTIME_PATH && url.pathname !== `${REALTIME_PATH}/`) {
      // Another upgrade listener may own this path; if none does, do not leave the socket hanging.
      if (opts.server.listenerCount('upgrade') <= 1) refuseUpgrade(socket, 404, 'Not Found', `no WebSocket endpoint at ${url.pathname}`);
      return;
    }
    const vsnParam = url.searchParams.get('vsn') ?? '1.0.0';
    if (!(SUPPORTED_VSNS as readonly string[]).includes(vsnParam)) {
      return refuseUpgrade(socket, 400, 'Bad Request', `vsn must be one of ${SUPPORTED_VSNS.join(', ')}, received "${vsnParam.slice(0, 40)}"`);
    }
    // The token check below is asynchronous: a client that vanishes meanwhile must not crash us.
    const onEarlyError = (): void => {
      socket.destroy();
    };
    socket.on('error', onEarlyError);
    const apiKey = url.searchParams.get('apikey') ?? (typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : '');
    if (!apiKey) return refuseUpgrade(socket, 401, 'Unauthorized', 'API key is missing');
    checkAccessToken(apiKey, opts.verifyJwt)
      .then((check) => {
        if (!check.ok) return refuseUpgrade(socket, 401, 'Unauthorized', check.message);
        if (state.users.size >= limits.maxConcurrentUsers) return refuseUpgrade(socket, 429, 'Too Many Requests', 'Too many connected users');
        if (state.joins.perSecond() >= limits.maxJoinsPerSecond) return refuseUpgrade(socket, 429, 'Too Many Requests', 'Too many joins per second');
        if (socket.destroyed) return;
        socket.off('error', onEarlyError);
        wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
          new RealtimeSession(ws, vsnParam as Vsn, { ...state, apiKey });
        });
      })
      .catch((err: unknown) => {
        log(`realtime: upgrade failed: ${String(err)}`);
        socket.destroy();
      });
  };
  opts.server.on('upgrade', onUpgrade);
  log(`realtime: listening on ${REALTIME_PATH}`);

  return {
    handleApi: createBroadcastApi({ db: opts.db, hub, limits, verifyJwt: opts.verifyJwt, log }),
    async close() {
      opts.server.off('upgrade', onUpgrade);
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await relay.close();
      await dispatcher.close();
    },
  };
}
