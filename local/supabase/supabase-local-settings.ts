/** Settings of `npm run supabase:local`: the one place this command reads the environment. */
export interface SupabaseLocalSettings {
  port: number;
  /** Where state persists; the ready file goes beside it. */
  stateDir: string;
  readyFile: string;
  databaseUrl: string | undefined;
  accessTokenAlgorithm: 'HS256' | 'ES256';
}

export function loadSupabaseLocalSettings(env: Record<string, string | undefined> = process.env): SupabaseLocalSettings {
  const root = env.LOCAL_DATA_DIR || '.local';
  const portText = env.SUPABASE_LOCAL_PORT ?? '54321';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SUPABASE_LOCAL_PORT must be an integer from 0 to 65535, received "${portText}"`);
  const alg = env.SUPABASE_LOCAL_JWT_ALG ?? 'HS256';
  if (alg !== 'HS256' && alg !== 'ES256') throw new Error(`SUPABASE_LOCAL_JWT_ALG must be HS256 or ES256, received "${alg}"`);
  return {
    port,
    stateDir: `${root}/supabase`,
    readyFile: `${root}/supabase.json`,
    databaseUrl: databaseUrlFromEnv(env),
    accessTokenAlgorithm: alg,
  };
}

/** DATABASE_URL: a real PostgreSQL behind the local Supabase API (`npm run supabase:local`, `npm start`); unset: PGlite. */
export function databaseUrlFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  const url = env.DATABASE_URL?.trim();
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must be a postgres:// (or postgresql://) connection string');
  return url;
}
