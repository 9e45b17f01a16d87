import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../local/supabase/database/database';
import { createPgliteDatabase } from '../../local/supabase/database/pglite-database';
import { createPostgresDatabase } from '../../local/supabase/database/postgres-database';
import { processAlive } from '../../local/supabase/database/process-alive';
import type { StatementTimeouts } from '../../local/supabase/database/request-settings';
import { SUPABASE_ROLES_SQL } from '../../local/supabase/database/supabase-bootstrap-sql';

/**
 * Which database the Supabase suites run on: PGlite (the default), or a real PostgreSQL when
 * vitest's `postgres` project sets SUPABASE_TEST_BACKEND=postgres (vitest.config.ts adds that
 * project only when SUPABASE_TEST_POSTGRES_URL reaches a server; `.ci/run` sets it up).
 */
export type TestBackend = 'pglite' | 'postgres';
export const TEST_BACKEND: TestBackend = process.env.SUPABASE_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

/** Prefix of the databases the tests create: `villa_test_<pid>_<n>_<random>`. */
const PREFIX = 'villa_test_';
/** Roles are cluster-wide: files bootstrapping them at once serialize on this advisory lock. */
const ROLES_LOCK = 0x76_69_6c_6c;
let counter = 0;

function adminUrl(): string {
  const url = process.env.SUPABASE_TEST_POSTGRES_URL;
  if (!url) throw new Error('SUPABASE_TEST_BACKEND=postgres needs SUPABASE_TEST_POSTGRES_URL (an admin connection string; bash .ci/run sets it)');
  return url;
}

async function withAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

export interface TestPostgresDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the test server, so test files run in parallel without seeing each
 * other's rows. Databases left by test processes that died are dropped on the way.
 */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const name = `${PREFIX}${process.pid}_${counter++}_${randomBytes(3).toString('hex')}`;
  await withAdmin(async (admin) => {
    const stale = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${PREFIX}%`]);
    for (const { datname } of stale.rows) {
      const pid = Number(datname.slice(PREFIX.length).split('_')[0]);
      if (pid && pid !== process.pid && !processAlive(pid)) await admin.query(`drop database if exists "${datname}" with (force)`);
    }
    await admin.query('select pg_advisory_lock($1)', [ROLES_LOCK]);
    try {
      await admin.query(SUPABASE_ROLES_SQL);
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [ROLES_LOCK]);
    }
    await admin.query(`create database "${name}" template template0`);
  });
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(async (admin) => void (await admin.query(`drop database if exists "${name}" with (force)`))),
  };
}

/**
 * What a test passes to startSupabaseLocal/startLocalStack for the current backend (`databaseUrl`
 * on PostgreSQL, nothing on PGlite), and the cleanup to run after the stack stopped.
 */
export async function backendOptions(): Promise<{ databaseUrl?: string; cleanup(): Promise<void> }> {
  if (TEST_BACKEND === 'pglite') return { cleanup: async () => undefined };
  const db = await createTestPostgresDatabase();
  return { databaseUrl: db.url, cleanup: db.drop };
}

/** A bare Database (no HTTP) on the current backend, in memory or in its own fresh database; close() cleans up. */
export async function createTestDatabase(opts: { statementTimeouts?: StatementTimeouts; log?: (line: string) => void } = {}): Promise<Database> {
  if (TEST_BACKEND === 'pglite') return createPgliteDatabase({ dataDir: null, ...opts });
  const fresh = await createTestPostgresDatabase();
  const db = await createPostgresDatabase({ connectionString: fresh.url, ...opts }).catch(async (err: unknown) => {
    await fresh.drop();
    throw err;
  });
  return {
    query: (sql, params) => db.query(sql, params),
    transaction: (fn) => db.transaction(fn),
    asRole: (claims, fn) => db.asRole(claims, fn),
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: async () => {
      await db.close();
      await fresh.drop();
    },
  };
}
