import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, JwtClaims, QueryResult, SqlExecutor } from './database';
import { requestSettingsQuery } from './request-settings';
import { SUPABASE_BOOTSTRAP_SQL } from './supabase-bootstrap-sql';

export interface PgliteDatabaseOptions {
  /** Directory to persist to; null keeps everything in memory (tests). */
  dataDir: string | null;
}

type PgliteLike = Pick<PGlite, 'query' | 'exec'> | Transaction;

/**
 * A query without parameters goes through the simple protocol (like `pg` does), so migration files
 * with several statements run as one call; with parameters it is one extended-protocol statement.
 */
async function run<T>(target: PgliteLike, sql: string, params?: unknown[]): Promise<QueryResult<T>> {
  if (params === undefined || params.length === 0) {
    const results = await target.exec(sql);
    const last = results[results.length - 1];
    return { rows: (last?.rows ?? []) as T[], affectedRows: last?.affectedRows };
  }
  const result = await target.query<T>(sql, params);
  return { rows: result.rows, affectedRows: result.affectedRows };
}

function executor(target: PgliteLike): SqlExecutor {
  return { query: <T>(sql: string, params?: unknown[]) => run<T>(target, sql, params) };
}

/**
 * Embedded Postgres with Supabase's roles, `auth` schema and helpers. PGlite has one connection:
 * queries and transactions queue behind each other, so never call `db.query` from inside a
 * `transaction`/`asRole` callback (use the `tx` it hands you) or the two wait on each other forever.
 */
export async function createPgliteDatabase(opts: PgliteDatabaseOptions): Promise<Database> {
  const pg = await PGlite.create(opts.dataDir === null ? {} : { dataDir: opts.dataDir });
  await pg.exec(SUPABASE_BOOTSTRAP_SQL);
  return {
    query: <T>(sql: string, params?: unknown[]) => run<T>(pg, sql, params),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => pg.transaction((tx) => fn(executor(tx))),
    asRole: <T>(claims: JwtClaims, fn: (tx: SqlExecutor) => Promise<T>) => {
      const settings = requestSettingsQuery(claims);
      return pg.transaction(async (tx) => {
        await tx.query(settings.sql, settings.params);
        return fn(executor(tx));
      });
    },
    listen: async (channel, onNotify) => {
      const unlisten = await pg.listen(channel, onNotify);
      return () => unlisten();
    },
    close: () => pg.close(),
  };
}
