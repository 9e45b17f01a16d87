/**
 * `npm run supabase:local`: the Supabase-compatible API alone, on port 54321, persisting to
 * `.local/supabase/`. Writes `.local/supabase.json` ({url, anonKey, serviceRoleKey}) once ready.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from './private-dir';
import { startSupabaseLocal } from './start-supabase-local';
import { loadSupabaseLocalSettings } from './supabase-local-settings';

const settings = loadSupabaseLocalSettings();
const supabase = await startSupabaseLocal({
  port: settings.port,
  dataDir: settings.stateDir,
  databaseUrl: settings.databaseUrl,
  accessTokenAlgorithm: settings.accessTokenAlgorithm,
  log: (line) => console.log(`[supabase] ${line}`),
});
// The ready file holds the service_role key: private, like the state beside it.
await ensurePrivateDir(dirname(settings.readyFile));
await writePrivateFile(settings.readyFile, JSON.stringify({ url: supabase.url, anonKey: supabase.anonKey, serviceRoleKey: supabase.serviceRoleKey }, null, 2) + '\n');
console.log(`Local Supabase ready at ${supabase.url}
  REST      ${supabase.url}/rest/v1
  Auth      ${supabase.url}/auth/v1
  Realtime  ${supabase.url.replace(/^http/, 'ws')}/realtime/v1/websocket
  database  ${settings.databaseUrl ? 'DATABASE_URL' : `PGlite in ${settings.stateDir}/pgdata`}
  anon key          ${supabase.anonKey}
  service_role key  ${supabase.serviceRoleKey}
(keys also in ${settings.readyFile}; the service_role key bypasses row-level security: keep it server-side)`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[supabase] ${signal}: stopping`);
  await rm(settings.readyFile, { force: true });
  await supabase.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
