/**
 * Mounts the Supabase Realtime endpoint (`/realtime/v1/websocket?apikey=...&vsn=...`) on an existing
 * HTTP server: Phoenix channels over WebSocket, `postgres_changes` fed by capture triggers in the
 * database, Broadcast and Presence between sockets of this server.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Database, JwtClaims } from '../database';
import { installChangeCapture } from './change-capture';
import { ChangeDispatcher } from './change-dispatcher';
import { ChannelHub } from './channel-hub';
import { checkAccessToken } from './check-access-token';
import { SUPPORTED_VSNS, type Vsn } from './phoenix-serializer';
import { RealtimeSession } from './realtime-session';

export interface AttachRealtimeOptions {
  server: Server;
  db: Database;
  verifyJwt: (token: string) => Promise<JwtClaims>;
  log?: (line: string) => void;
}

export const REALTIME_PATH = '/realtime/v1/websocket';
/** Frames above this are refused by `ws` with close code 1009 (message too big). */
export const MAX_FRAME_BYTES = 1024 * 1024;

function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function attachRealtime(opts: AttachRealtimeOptions): Promise<{ close(): Promise<void> }> {
  const log = opts.log ?? (() => undefined);
  await installChangeCapture(opts.db);
  const dispatcher = new ChangeDispatcher(opts.db, log);
  await dispatcher.start();
  const hub = new ChannelHub();
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
    const apiKey = url.searchParams.get('apikey') ?? '';
    if (!apiKey) return refuseUpgrade(socket, 401, 'Unauthorized', 'query parameter "apikey" is required');
    checkAccessToken(apiKey, opts.verifyJwt)
      .then((check) => {
        if (!check.ok) return refuseUpgrade(socket, 403, 'Forbidden', `apikey rejected: ${check.code}: ${check.message}`);
        if (socket.destroyed) return;
        socket.off('error', onEarlyError);
        wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
          new RealtimeSession(ws, vsnParam as Vsn, { dispatcher, hub, verifyJwt: opts.verifyJwt, log, apiKey });
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
    async close() {
      opts.server.off('upgrade', onUpgrade);
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await dispatcher.close();
    },
  };
}
