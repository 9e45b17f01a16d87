import pg from 'pg';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The Supabase suites run twice: on PGlite (the default backend) and on a real PostgreSQL (the
 * DATABASE_URL backend), the second as the `postgres` project, whose files create a database each
 * on the server named by SUPABASE_TEST_POSTGRES_URL (test/helpers/test-database.ts).
 * Without a reachable server that project is skipped with a message, unless
 * SUPABASE_TEST_POSTGRES=required (set by .ci/run), which makes it fail instead.
 */
const SUPABASE_SUITES = ['test/local/supabase/**/*.test.ts', 'test/security/isolation.test.ts', 'test/security/runaway-query.test.ts'];
/** Suites under those paths that never touch the database: once is enough. */
const DATABASE_FREE = [
  'test/local/supabase/auth-rate-limits.test.ts',
  'test/local/supabase/jwt-cache.test.ts',
  'test/local/supabase/realtime/phoenix-serializer.test.ts',
];

async function postgresReachable(url: string | undefined): Promise<string | null> {
  if (!url) return 'SUPABASE_TEST_POSTGRES_URL is not set (bash .ci/run starts the machine\'s PostgreSQL and sets it)';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return `cannot reach SUPABASE_TEST_POSTGRES_URL: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const unreachable = await postgresReachable(process.env.SUPABASE_TEST_POSTGRES_URL);
  if (unreachable && process.env.SUPABASE_TEST_POSTGRES === 'required') {
    throw new Error(`The Supabase suites must also run on PostgreSQL here (SUPABASE_TEST_POSTGRES=required), but ${unreachable}`);
  }
  if (unreachable) console.warn(`\n[vitest] Supabase suites on PostgreSQL SKIPPED: ${unreachable}. They run on PGlite only.\n`);
  return {
    test: {
      // Integration tests start real servers and render real videos on a 2-core machine.
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
      // Three workers on two cores: the whole-stack suites spend most of their time waiting (queue
      // visibility timeouts, retry back-offs, a sweep), so a third file overlaps that wait. Measured in
      // one session on this machine: 342 s with two workers, 224 s with three, all green.
      maxWorkers: 3,
      projects: [
        { extends: true, test: { name: 'pglite', include: ['test/**/*.test.ts'] } },
        ...(unreachable ? [] : [{ extends: true as const, test: { name: 'postgres', include: SUPABASE_SUITES, exclude: DATABASE_FREE, env: { SUPABASE_TEST_BACKEND: 'postgres' } } }]),
      ],
    },
  };
});
