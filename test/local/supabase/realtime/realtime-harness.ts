/**
 * A small server for the Realtime tests: embedded Postgres with Supabase's roles, a `video_jobs`
 * table shaped like the project's (RLS: own rows only; in the supabase_realtime publication),
 * a node:http server with attachRealtime mounted, and real HS256 JWTs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import WebSocket from 'ws';
import { createClient, type RealtimeChannel, type RealtimePostgresChangesPayload, type SupabaseClient } from '@supabase/supabase-js';
import type { Database, JwtClaims } from '../../../../local/supabase/database/database';
import { attachRealtime } from '../../../../local/supabase/realtime/attach-realtime';
import { createTestDatabase } from '../../../helpers/test-database';

const SECRET = new TextEncoder().encode('realtime-test-secret-at-least-32-characters');

export const SCHEMA_SQL = `
do $$ begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end $$;
create table if not exists public.video_jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  status text not null default 'queued',
  progress integer not null default 0,
  file_size_mb numeric,
  tags text[] not null default '{}',
  created_at timestamptz not null default now()
);
alter table public.video_jobs enable row level security;
drop policy if exists own_rows on public.video_jobs;
create policy own_rows on public.video_jobs for select to authenticated using (user_id = auth.uid());
grant select on public.video_jobs to anon, authenticated;
grant all on public.video_jobs to service_role;
do $$ begin
  if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'video_jobs') then
    alter publication supabase_realtime add table public.video_jobs;
  end if;
end $$;
create table if not exists public.unpublished (id int primary key);
`;

export async function signToken(claims: Record<string, unknown>, expiresInSeconds = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(SECRET);
}

export async function verifyJwt(token: string): Promise<JwtClaims> {
  const { payload } = await jwtVerify(token, SECRET, { algorithms: ['HS256'] });
  return payload as JwtClaims;
}

export interface Harness {
  url: string;
  port: number;
  db: Database;
  anonKey: string;
  serviceRoleKey: string;
  logs: string[];
  userToken(userId: string, expiresInSeconds?: number): Promise<string>;
  /** A supabase-js client whose realtime already holds `token` (as after a sign-in). */
  client(token?: string, options?: { vsn?: string }): Promise<SupabaseClient>;
  /** Stops the HTTP + Realtime side only; the database stays for a restart. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(opts: { port?: number; db?: Database } = {}): Promise<Harness> {
  const db = opts.db ?? (await createTestDatabase());
  await db.query(SCHEMA_SQL);
  const logs: string[] = [];
  const anonKey = await signToken({ role: 'anon', iss: 'supabase-demo' });
  const serviceRoleKey = await signToken({ role: 'service_role', iss: 'supabase-demo' });
  let server: Server | null = null;
  let realtime: { close(): Promise<void> } | null = null;
  let port = opts.port ?? 0;
  const clients: SupabaseClient[] = [];

  const startServer = async (): Promise<void> => {
    const s = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    realtime = await attachRealtime({ server: s, db, verifyJwt, log: (l) => logs.push(l) });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const stopServer = async (): Promise<void> => {
    await realtime?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    realtime = null;
    server = null;
  };
  await startServer();
  const h: Harness = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    db,
    anonKey,
    serviceRoleKey,
    logs,
    userToken: (userId, expiresInSeconds) =>
      signToken({ sub: userId, role: 'authenticated', aud: 'authenticated', email: `${userId.slice(0, 8)}@example.test` }, expiresInSeconds),
    async client(token, options) {
      const c = createClient(h.url, anonKey, {
        auth: { persistSession: false, autoRefreshToken: false },
        // Third-party-auth style: supabase-js asks this for the token on every (re)join and
        // heartbeat, exactly as it asks a signed-in session. Without it the anon key is used.
        ...(token ? { accessToken: async () => token } : {}),
        // Node 20 has no global WebSocket: hand realtime-js the `ws` one, as a Node app would.
        realtime: {
          transport: WebSocket as never,
          ...(options?.vsn ? { vsn: options.vsn } : {}),
          reconnectAfterMs: () => 200,
          timeout: 5000,
        },
      });
      clients.push(c);
      // supabase-js fetches the token asynchronously; a channel subscribed before that joins with
      // the anon key and only switches on its first access_token push (real Supabase alike).
      if (token) await c.realtime.setAuth();
      return c;
    },
    startServer,
    stopServer,
    async stop() {
      await Promise.all(clients.map((c) => c.removeAllChannels().catch(() => undefined)));
      await stopServer();
      await db.close();
    },
  };
  return h;
}

export function newUserId(): string {
  return randomUUID();
}

/** Resolves with the next value pushed, or rejects after `ms` (a test failure, not a speed check). */
export function waitFor<T>(predicate: () => T | undefined, ms = 5000, what = 'condition'): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const v = predicate();
      if (v !== undefined) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

export interface Listener {
  channel: RealtimeChannel;
  changes: RealtimePostgresChangesPayload<Record<string, unknown>>[];
  systems: Record<string, unknown>[];
  statuses: string[];
  errors: unknown[];
}

/** Subscribes one channel with the given bindings on video_jobs and waits for SUBSCRIBED. */
export async function listen(
  client: SupabaseClient,
  topic: string,
  bindings: { event: '*' | 'INSERT' | 'UPDATE' | 'DELETE'; filter?: string; table?: string }[],
): Promise<Listener> {
  const l: Listener = { channel: client.channel(topic), changes: [], systems: [], statuses: [], errors: [] };
  for (const b of bindings) {
    l.channel.on(
      'postgres_changes' as never,
      { event: b.event, schema: 'public', table: b.table ?? 'video_jobs', ...(b.filter ? { filter: b.filter } : {}) } as never,
      ((p: RealtimePostgresChangesPayload<Record<string, unknown>>) => l.changes.push(p)) as never,
    );
  }
  l.channel.on('system' as never, {} as never, ((p: Record<string, unknown>) => l.systems.push(p)) as never);
  l.channel.subscribe((status, err) => {
    l.statuses.push(status);
    if (err) l.errors.push(err);
  });
  await waitFor(() => (l.statuses.includes('SUBSCRIBED') ? true : undefined), 5000, `${topic} SUBSCRIBED (got ${l.statuses.join(',')})`);
  if (bindings.length > 0) {
    await waitFor(() => l.systems.find((s) => s.extension === 'postgres_changes'), 5000, `${topic} system message`);
  }
  return l;
}
