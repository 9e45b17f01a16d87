/**
 * Realtime delivery latency on this machine: from the INSERT statement to the supabase-js
 * `postgres_changes` callback, with 1 and with 50 subscribers (each its own socket and its own
 * JWT, so the RLS check runs once per subscriber: the worst case). Prints p50/p95; not a test.
 *
 * Run alone with `npx tsx bench/realtime.bench.ts`, or through `npm run bench:supabase`
 * (bench/supabase.bench.ts calls runRealtimeBench()).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { startSupabaseLocal, type SupabaseLocal } from '../local/supabase/start-supabase-local';

export interface RealtimeBenchRow {
  scenario: string;
  subscribers: number;
  inserts: number;
  deliveries: number;
  p50Ms: number;
  p95Ms: number;
  /** Per insert, the time until the last subscriber heard it. */
  lastP95Ms: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function userToken(local: SupabaseLocal, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // A distinct session per subscriber makes every subscriber's claims distinct.
  return new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated', session_id: randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(local.jwtSecret));
}

/**
 * `shared`: every subscriber holds the same token (one user, many tabs): one RLS check per change.
 * `distinct`: every subscriber has its own JWT, so every change costs one RLS check per subscriber,
 * as Supabase documents ("100 subscribers, one insert: 100 reads").
 */
async function measure(local: SupabaseLocal, subscribers: number, inserts: number, tokens: 'shared' | 'distinct'): Promise<RealtimeBenchRow> {
  const userId = randomUUID();
  const sharedToken = await userToken(local, userId);
  const clients: SupabaseClient[] = [];
  const pending = new Map<string, { t0: number; left: number; done: () => void }>();
  const latencies: number[] = [];
  const last: number[] = [];
  for (let i = 0; i < subscribers; i++) {
    const token = tokens === 'shared' ? sharedToken : await userToken(local, userId);
    const client = createClient(local.url, local.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      accessToken: async () => token,
      realtime: { transport: WebSocket as never },
    });
    await client.realtime.setAuth();
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client
        .channel(`bench-${i}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'video_jobs' }, (p) => {
          const entry = pending.get((p.new as { id: string }).id);
          if (!entry) return;
          latencies.push(performance.now() - entry.t0);
          if (--entry.left === 0) {
            last.push(performance.now() - entry.t0);
            entry.done();
          }
        })
        .subscribe((status, err) => {
          if (status === 'SUBSCRIBED') resolve();
          else if (status !== 'CLOSED') reject(err ?? new Error(status));
        });
    });
  }
  // Let the system messages and the first heartbeat settle before timing.
  await new Promise((r) => setTimeout(r, 300));
  for (let n = 0; n < inserts; n++) {
    const id = randomUUID();
    const heard = new Promise<void>((done) => pending.set(id, { t0: 0, left: subscribers, done }));
    const entry = pending.get(id)!;
    entry.t0 = performance.now();
    await local.db.query('insert into public.video_jobs (id, user_id, status) values ($1, $2, $3)', [id, userId, 'queued']);
    await Promise.race([heard, new Promise((_, reject) => setTimeout(() => reject(new Error(`insert ${n} not heard by all ${subscribers} subscribers within 10 s`)), 10_000))]);
    pending.delete(id);
  }
  await Promise.all(clients.map((c) => c.removeAllChannels()));
  latencies.sort((a, b) => a - b);
  last.sort((a, b) => a - b);
  return {
    scenario: subscribers === 1 ? 'one subscriber' : tokens === 'shared' ? 'same JWT (one user, many tabs)' : 'distinct JWTs (RLS check each)',
    subscribers,
    inserts,
    deliveries: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    lastP95Ms: percentile(last, 95),
  };
}

export async function runRealtimeBench(): Promise<RealtimeBenchRow[]> {
  const local = await startSupabaseLocal({ port: 0, dataDir: null });
  try {
    const rows = [
      await measure(local, 1, 100, 'shared'),
      await measure(local, 50, 40, 'shared'),
      await measure(local, 50, 40, 'distinct'),
    ];
    console.log('\nRealtime: INSERT -> supabase-js postgres_changes callback (PGlite, RLS per subscriber)');
    console.table(
      rows.map((r) => ({
        scenario: r.scenario,
        subscribers: r.subscribers,
        inserts: r.inserts,
        deliveries: r.deliveries,
        'p50 ms': r.p50Ms.toFixed(1),
        'p95 ms': r.p95Ms.toFixed(1),
        'last-subscriber p95 ms': r.lastP95Ms.toFixed(1),
      })),
    );
    return rows;
  } finally {
    await local.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runRealtimeBench().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
