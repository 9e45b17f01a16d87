/**
 * The local Supabase on this machine: REST insert and filtered select through supabase-js (p50/p95
 * over a few hundred requests), then the Realtime half (bench/realtime.bench.ts). Prints tables;
 * not a test. Run with `npm run bench:supabase` (add `--rest-only` to skip Realtime).
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startSupabaseLocal, type SupabaseLocal } from '../local/supabase/start-supabase-local';
import { runRealtimeBench } from './realtime.bench';

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

export async function runRestBench(requests = 300): Promise<RestBenchRow[]> {
  const local = await startSupabaseLocal({ port: 0, dataDir: null });
  try {
    const userIds = Array.from({ length: 10 }, () => randomUUID());
    await measureRestInsert(local, 20, userIds); // warm-up: JIT, plan caches, first connections
    const rows = [await measureRestInsert(local, requests, userIds), await measureRestSelect(local, requests, userIds)];
    console.log(`\nREST through supabase-js on PGlite (${requests} sequential requests each)`);
    console.table(rows.map((r) => ({ measurement: r.measurement, requests: r.requests, 'p50 ms': r.p50Ms.toFixed(1), 'p95 ms': r.p95Ms.toFixed(1), 'max ms': r.maxMs.toFixed(1) })));
    return rows;
  } finally {
    await local.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  (async () => {
    await runRestBench();
    if (!process.argv.includes('--rest-only')) await runRealtimeBench();
  })().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
