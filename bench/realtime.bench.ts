/**
 * Realtime delivery latency on this machine: from the INSERT statement to the supabase-js
 * `postgres_changes` callback, with 1 and with 50 subscribers (each its own socket), quiet and
 * beside a render-like CPU load. Prints p50/p95 per case and writes them to
 * `.local/bench-realtime.json`; not a test.
 *
 * Cases:
 * - one subscriber;
 * - 50 tabs of one user (the same JWT: one RLS check per change);
 * - 50 distinct users (50 JWTs: one RLS check each per change, on a team feed whose policy lets
 *   every member read every row, so all 50 hear every insert). Target: p95 <= 20 ms quiet, <= 50 ms loaded.
 * The "render-like" load is one CPU-busy child process per core (a local Remotion render keeps
 * Chromium and FFmpeg busy on every core), started before and stopped after the loaded cases.
 * Server and clients share this process, so client-side parsing is part of every figure.
 *
 * Run alone with `npx tsx bench/realtime.bench.ts`, or through `npm run bench:supabase`
 * (bench/supabase.bench.ts calls runRealtimeBench()).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { startSupabaseLocal, type SupabaseLocal } from '../local/supabase/start-supabase-local';

export interface RealtimeBenchRow {
  scenario: string;
  load: 'quiet' | 'render-like';
  subscribers: number;
  inserts: number;
  deliveries: number;
  p50Ms: number;
  p95Ms: number;
  /** Per insert, the time until the last subscriber heard it. */
  lastP95Ms: number;
  /** CPU time of this process (server and clients) per insert: steadier than latency on a shared machine. */
  cpuMsPerInsert: number;
}

const RESULT_FILE = '.local/bench-realtime.json';

/** A team whose members all read its feed: the fan-out case with one RLS check per distinct user. */
const TEAM_SQL = `
create table if not exists public.bench_team_members (team_id uuid not null, user_id uuid not null, primary key (team_id, user_id));
create table if not exists public.bench_team_feed (id uuid primary key, team_id uuid not null, body text not null);
alter table public.bench_team_feed enable row level security;
drop policy if exists "members read" on public.bench_team_feed;
create policy "members read" on public.bench_team_feed for select to authenticated
  using (exists (select 1 from public.bench_team_members m where m.team_id = bench_team_feed.team_id and m.user_id = (select auth.uid())));
grant select on public.bench_team_feed, public.bench_team_members to authenticated;
do $$ begin
  if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'bench_team_feed') then
    alter publication supabase_realtime add table public.bench_team_feed;
  end if;
end $$;`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function userToken(local: SupabaseLocal, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId, role: 'authenticated', aud: 'authenticated', iss: `${local.url}/auth/v1`, session_id: randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(local.jwtSecret));
}

interface Scenario {
  name: string;
  subscribers: number;
  inserts: number;
  table: 'video_jobs' | 'bench_team_feed';
  /** One user for every subscriber (one token), or one user each. */
  users: 'one' | 'distinct';
}

async function measure(local: SupabaseLocal, s: Scenario, load: RealtimeBenchRow['load']): Promise<RealtimeBenchRow> {
  const teamId = randomUUID();
  const oneUser = randomUUID();
  const sharedToken = await userToken(local, oneUser);
  const clients: SupabaseClient[] = [];
  const pending = new Map<string, { t0: number; left: number; done: () => void }>();
  const latencies: number[] = [];
  const last: number[] = [];
  for (let i = 0; i < s.subscribers; i++) {
    const userId = s.users === 'one' ? oneUser : randomUUID();
    if (s.table === 'bench_team_feed') await local.db.query('insert into public.bench_team_members (team_id, user_id) values ($1, $2)', [teamId, userId]);
    const token = s.users === 'one' ? sharedToken : await userToken(local, userId);
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
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: s.table }, (p) => {
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
  const cpu0 = process.cpuUsage();
  for (let n = 0; n < s.inserts; n++) {
    const id = randomUUID();
    const heard = new Promise<void>((done) => pending.set(id, { t0: performance.now(), left: s.subscribers, done }));
    if (s.table === 'video_jobs') await local.db.query('insert into public.video_jobs (id, user_id, status) values ($1, $2, $3)', [id, oneUser, 'queued']);
    else await local.db.query('insert into public.bench_team_feed (id, team_id, body) values ($1, $2, $3)', [id, teamId, `message ${n}`]);
    await Promise.race([heard, new Promise((_, reject) => setTimeout(() => reject(new Error(`${s.name}: insert ${n} not heard by all ${s.subscribers} subscribers within 10 s`)), 10_000))]);
    pending.delete(id);
  }
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(clients.map((c) => c.removeAllChannels()));
  latencies.sort((a, b) => a - b);
  last.sort((a, b) => a - b);
  return {
    scenario: s.name,
    load,
    subscribers: s.subscribers,
    inserts: s.inserts,
    deliveries: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    lastP95Ms: percentile(last, 95),
    cpuMsPerInsert: (cpu.user + cpu.system) / 1000 / s.inserts,
  };
}

/** One busy-looping Node process per core, as a local render keeps every core busy. */
function startRenderLikeLoad(): ChildProcess[] {
  return Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'let x = 0; for (;;) { x = (x * 31 + 7) % 1000003; }'], { stdio: 'ignore' }),
  );
}

async function stopLoad(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

const SCENARIOS: Scenario[] = [
  { name: 'one subscriber', subscribers: 1, inserts: 100, table: 'video_jobs', users: 'one' },
  { name: '50 tabs of one user (same JWT)', subscribers: 50, inserts: 40, table: 'video_jobs', users: 'one' },
  { name: '50 distinct users (RLS check each)', subscribers: 50, inserts: 40, table: 'bench_team_feed', users: 'distinct' },
];

/** `only`: run just the scenarios whose name contains it (profiling); the load phase is skipped with `quietOnly`. */
export async function runRealtimeBench(opts: { only?: string; quietOnly?: boolean } = {}): Promise<RealtimeBenchRow[]> {
  const scenarios = SCENARIOS.filter((s) => !opts.only || s.name.includes(opts.only));
  const local = await startSupabaseLocal({ port: 0, dataDir: null });
  const rows: RealtimeBenchRow[] = [];
  const loadBefore = loadavg()[0]!;
  try {
    await local.db.query(TEAM_SQL);
    for (const s of scenarios) rows.push(await measure(local, s, 'quiet'));
    if (!opts.quietOnly) {
      const children = startRenderLikeLoad();
      try {
        await new Promise((r) => setTimeout(r, 500));
        for (const s of scenarios) rows.push(await measure(local, s, 'render-like'));
      } finally {
        await stopLoad(children);
      }
    }
  } finally {
    await local.stop();
  }
  console.log(`\nRealtime: INSERT -> supabase-js postgres_changes callback (PGlite; render-like = ${availableParallelism()} CPU-busy processes)`);
  console.table(
    rows.map((r) => ({
      scenario: r.scenario,
      load: r.load,
      subscribers: r.subscribers,
      deliveries: r.deliveries,
      'p50 ms': r.p50Ms.toFixed(1),
      'p95 ms': r.p95Ms.toFixed(1),
      'last-subscriber p95 ms': r.lastP95Ms.toFixed(1),
      'CPU ms per insert': r.cpuMsPerInsert.toFixed(1),
    })),
  );
  await mkdir('.local', { recursive: true });
  await writeFile(
    RESULT_FILE,
    `${JSON.stringify({ at: new Date().toISOString(), cpus: availableParallelism(), loadAverageBefore: loadBefore, renderLikeProcesses: availableParallelism(), rows }, null, 2)}\n`,
  );
  console.log(`written to ${RESULT_FILE}`);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  runRealtimeBench({ only, quietOnly: process.argv.includes('--quiet-only') }).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
