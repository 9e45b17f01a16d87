/**
 * The local Supabase on this machine, on each backend: PGlite (the default) and a real PostgreSQL
 * when one is given: REST insert and filtered select through supabase-js (p50/p95 over a few
 * hundred sequential requests), and the pipeline's `POST /uploads` (JWT check, quota count, job
 * insert, presigned URL) from 50 concurrent signed-in clients on the whole local stack; then the
 * Realtime half (bench/realtime.bench.ts). Prints tables; not a test.
 *
 *   npm run bench:supabase                 PGlite; PostgreSQL too when DATABASE_URL or SUPABASE_TEST_POSTGRES_URL is set
 *   npm run bench:supabase -- --rest-only  without Realtime
 *
 * With DATABASE_URL the rows are written into that database (use a scratch one); with
 * SUPABASE_TEST_POSTGRES_URL (as .ci/postgres-env sets) a scratch database is created and dropped.
 */
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startLocalStack } from '../local/stack';
import { FREE_PORTS } from '../local/local-ports';
import { startSupabaseLocal, type SupabaseLocal } from '../local/supabase/start-supabase-local';
import { silentLogger } from '../shared/adapters/silent-logger';
import { createTestPostgresDatabase } from '../test/helpers/test-database';
import { runRealtimeBench } from './realtime.bench';

const run = promisify(execFile);

export interface RestBenchRow {
  measurement: string;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function summarize(measurement: string, samples: number[]): RestBenchRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { measurement, requests: samples.length, p50Ms: at(50), p95Ms: at(95), maxMs: sorted[sorted.length - 1] ?? NaN };
}

async function timed(n: number, once: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await once(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}

function client(local: SupabaseLocal): SupabaseClient {
  return createClient(local.url, local.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}

/** One video_jobs row per request, returned with select(), as the upload endpoint writes it. */
export async function measureRestInsert(local: SupabaseLocal, requests: number, userIds: string[]): Promise<RestBenchRow> {
  const db = client(local);
  const samples = await timed(requests, async (i) => {
    const id = randomUUID();
    const userId = userIds[i % userIds.length] ?? randomUUID();
    const { error } = await db.from('video_jobs').insert({ id, user_id: userId, source_key: `images/${userId}/${id}.jpg`, options: { camera: 'dolly_in' } }).select().single();
    if (error) throw new Error(`insert failed: ${error.message}`);
  });
  return summarize('REST insert video_jobs (return=representation)', samples);
}

/** A user's latest jobs, filtered, ordered and limited, as the web app lists them. */
export async function measureRestSelect(local: SupabaseLocal, requests: number, userIds: string[]): Promise<RestBenchRow> {
  const db = client(local);
  const samples = await timed(requests, async (i) => {
    const { error } = await db
      .from('video_jobs')
      .select('id, status, progress, created_at')
      .eq('user_id', userIds[i % userIds.length] ?? '')
      .in('status', ['pending_upload', 'queued'])
      .order('created_at', { ascending: false })
      .limit(20);
    if (error) throw new Error(`select failed: ${error.message}`);
  });
  return summarize('REST filtered select video_jobs (eq + in + order + limit 20)', samples);
}

export async function runRestBench(requests = 300, databaseUrl?: string): Promise<RestBenchRow[]> {
  const local = await startSupabaseLocal({ port: 0, dataDir: null, databaseUrl });
  try {
    const userIds = Array.from({ length: 10 }, () => randomUUID());
    await measureRestInsert(local, 20, userIds); // warm-up: JIT, plan caches, first connections
    return [await measureRestInsert(local, requests, userIds), await measureRestSelect(local, requests, userIds)];
  } finally {
    await local.stop();
  }
}

/**
 * `POST /uploads` as the web app sends it (with the default daily quota, so count, insert and
 * recount go to the database), from `clients` signed-in users at once, each sending `rounds` in a
 * row; the clients run in a child process (bench/upload-clients.ts), the stack in this one.
 */
export async function measureUploads(databaseUrl: string | undefined, clients = 50, rounds = 6): Promise<RestBenchRow> {
  const stack = await startLocalStack({
    dataDir: null,
    ports: FREE_PORTS,
    logger: silentLogger,
    authRateLimits: { anonymousUsers: clients * 2 },
    // The per-user quota stays the default (its count is part of what is measured); the service-wide
    // cap is lifted, since on PostgreSQL the REST half has already written hundreds of jobs.
    env: { MAX_JOBS_PER_DAY_TOTAL: String(1_000_000) },
    databaseUrl,
  });
  try {
    const args = { uploadsUrl: stack.info.uploadsUrl, supabaseUrl: stack.info.supabaseUrl, anonKey: stack.info.supabaseAnonKey, clients, rounds };
    const script = fileURLToPath(new URL('./upload-clients.ts', import.meta.url));
    const { stdout } = await run(process.execPath, [...process.execArgv, script, JSON.stringify(args)], { maxBuffer: 16 * 1024 * 1024 });
    const { samples } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { samples: number[] };
    return summarize(`POST /uploads, ${clients} concurrent clients`, samples);
  } finally {
    await stack.stop();
  }
}

/** The PostgreSQL to bench on, if any: DATABASE_URL as given, or a scratch database on SUPABASE_TEST_POSTGRES_URL's server. */
async function postgresForBench(): Promise<{ url: string; done(): Promise<void> } | undefined> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, done: async () => undefined };
  if (!process.env.SUPABASE_TEST_POSTGRES_URL) return undefined;
  const scratch = await createTestPostgresDatabase();
  return { url: scratch.url, done: scratch.drop };
}

export async function runSupabaseBench(requests = 300): Promise<void> {
  const pg = await postgresForBench();
  const backends: { name: string; databaseUrl?: string }[] = [{ name: 'PGlite' }, ...(pg ? [{ name: 'PostgreSQL', databaseUrl: pg.url }] : [])];
  const table: Record<string, string | number>[] = [];
  try {
    for (const b of backends) {
      for (const r of [...(await runRestBench(requests, b.databaseUrl)), await measureUploads(b.databaseUrl)]) {
        table.push({ backend: b.name, measurement: r.measurement, requests: r.requests, 'p50 ms': r.p50Ms.toFixed(1), 'p95 ms': r.p95Ms.toFixed(1), 'max ms': r.maxMs.toFixed(1) });
      }
    }
  } finally {
    await pg?.done();
  }
  console.log(`\nREST through supabase-js (${requests} sequential requests each) and POST /uploads on the whole local stack`);
  if (!pg) console.log('(PostgreSQL not measured: set DATABASE_URL, or SUPABASE_TEST_POSTGRES_URL as .ci/postgres-env does)');
  console.table(table);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  (async () => {
    await runSupabaseBench();
    if (!process.argv.includes('--rest-only')) await runRealtimeBench();
  })().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
