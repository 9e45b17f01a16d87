import pg from 'pg';
import type { Database, JwtClaims, QueryResult, SqlExecutor } from './database';
import { requestSettingsQuery, type StatementTimeouts } from './request-settings';
import { SUPABASE_BOOTSTRAP_SQL } from './supabase-bootstrap-sql';

export interface PostgresDatabaseOptions {
  /** postgres://user:password@host:port/db — read from DATABASE_URL by the config module. */
  connectionString: string;
  /** Pool size; default 10. */
  max?: number;
  /** Per-role statement timeouts overriding the roles' own settings (anon 3 s, authenticated 8 s). */
  statementTimeouts?: StatementTimeouts;
  log?: (line: string) => void;
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    query: async <T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> => {
      const result = await client.query(sql, params);
      return { rows: result.rows as T[], affectedRows: result.rowCount ?? undefined };
    },
  };
}

/**
 * The same Database on a real Postgres through `pg`. Not exercised by this repository's tests (they
 * need a server); it is deliberately thin: a pool, BEGIN/COMMIT around callbacks, one dedicated
 * client for LISTEN. Meant for a plain Postgres where the user may create roles (it bootstraps the
 * Supabase roles and `auth` schema there); on a Supabase project's database the bootstrap is skipped.
 * The connecting user must be able to `SET ROLE` to anon/authenticated/service_role.
 */
export async function createPostgresDatabase(opts: PostgresDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.max ?? 10 });
  // A Supabase project's own database has all of this, owned by roles we may not alter: leave it be.
  const isSupabase = await pool.query(`select 1 from pg_roles where rolname = 'supabase_admin'`);
  if (isSupabase.rowCount === 0) await pool.query(SUPABASE_BOOTSTRAP_SQL);

  async function transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, claims?: JwtClaims): Promise<T> {
    const settings = claims ? requestSettingsQuery(claims, opts.statementTimeouts) : undefined;
    const client = await pool.connect();
    try {
      await client.query('begin');
      if (settings) await client.query(settings.sql, settings.params);
      const value = await fn(executor(client));
      await client.query('commit');
      return value;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  let listener: pg.PoolClient | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  return {
    ...executor(pool),
    transaction: (fn) => transaction(fn),
    asRole: (claims, fn) => transaction(fn, claims),
    listen: async (channel, onNotify) => {
      if (!listener) {
        listener = await pool.connect();
        listener.on('notification', (n) => {
          for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
        });
      }
      const quoted = '"' + channel.replace(/"/g, '""') + '"';
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await listener.query(`listen ${quoted}`);
      }
      set.add(onNotify);
      return async () => {
        set.delete(onNotify);
        if (set.size === 0 && handlers.get(channel) === set) {
          handlers.delete(channel);
          await listener?.query(`unlisten ${quoted}`);
        }
      };
    },
    close: async () => {
      listener?.release();
      listener = undefined;
      await pool.end();
    },
  };
}
