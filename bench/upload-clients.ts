/**
 * The client side of the `POST /uploads` benchmark, run in its own process so the load generator's
 * own work (50 browsers' worth of fetch) is not counted against the stack it measures.
 * Usage: tsx bench/upload-clients.ts '{"uploadsUrl","supabaseUrl","anonKey","clients","rounds"}'
 * Prints one JSON line: {"samples": [ms, ...]}.
 */
import { createSupabaseClient } from '../shared/adapters/supabase/create-supabase-client';

interface Args {
  uploadsUrl: string;
  supabaseUrl: string;
  anonKey: string;
  clients: number;
  rounds: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;

async function signIn(): Promise<string> {
  const { data, error } = await createSupabaseClient(args.supabaseUrl, args.anonKey).auth.signInAnonymously();
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  return data.session.access_token;
}

async function upload(token: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(args.uploadsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: 250_000 }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /uploads answered ${res.status}: ${text}`);
  return performance.now() - t0;
}

const tokens = await Promise.all(Array.from({ length: args.clients }, signIn));
// Warm-up: one upload per client, so every server process (the API's, and the Supabase API's own on
// PostgreSQL) has compiled its hot paths before anything is timed: the figures are a warm service's.
await Promise.all(tokens.map(upload));
const perClient = await Promise.all(
  tokens.map(async (token) => {
    const own: number[] = [];
    for (let r = 0; r < args.rounds; r++) own.push(await upload(token));
    return own;
  }),
);
process.stdout.write(JSON.stringify({ samples: perClient.flat() }) + '\n');
process.exit(0);
