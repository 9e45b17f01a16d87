/**
 * Mounts the Supabase Realtime endpoint (`/realtime/v1/websocket`) on an existing HTTP server:
 * Phoenix channels over WebSocket with `postgres_changes` fed by triggers in the database.
 */
import type { Server, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Database, JwtClaims } from '../database';

export interface AttachRealtimeOptions {
  server: Server;
  db: Database;
  verifyJwt: (token: string) => Promise<JwtClaims>;
  log?: (line: string) => void;
}

export const REALTIME_PATH = '/realtime/v1/websocket';

export async function attachRealtime(opts: AttachRealtimeOptions): Promise<{ close(): Promise<void> }> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== REALTIME_PATH) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Placeholder until the Phoenix protocol lands: refuse politely.
      ws.close(1011, 'realtime not ready');
    });
  };
  opts.server.on('upgrade', onUpgrade);
  return {
    async close() {
      opts.server.off('upgrade', onUpgrade);
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
