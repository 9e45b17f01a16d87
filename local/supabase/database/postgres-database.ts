import pg from 'pg';
import type { Database, JwtClaims, QueryResult, SqlExecutor } from './database';
import { apiRole, requestSettingsQuery, type StatementTimeouts } from './request-settings';
import { RoleTimeouts } from './role-timeouts';
import { SUPABASE_BOOTSTRAP_SQL } from './supabase-bootstrap-sql';

export interface PostgresDatabaseOptions {
  /** postgres://user:password@host:port/db (DATABASE_URL). */
  connectionString: string;
  /** Pool size; default 10. */
  max?: number;
  /** Per-role statement timeouts overriding the roles' own settings (anon 3 s, authenticated 8 s). */
  statementTimeouts?: StatementTimeouts;
  /** The Supabase roles and schemas are known to be there (another connection to this database made them): skip the bootstrap. */
  bootstrapped?: boolean;
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

const quoteIdent = (name: string): string => '"' + name.replace(/"/g, '""') + '"';

/**
 * The Database on a real PostgreSQL through a `pg` pool: BEGIN/COMMIT around callbacks, requests
 * as PostgREST runs them (`SET LOCAL ROLE`, claims, `SET LOCAL statement_timeout`, so Postgres
 * itself cancels a runaway statement with 57014 and other connections carry on), one dedicated
 * connection for LISTEN that is re-established if it drops. Meant for a plain Postgres where the
 * user may create roles (it bootstraps the Supabase roles and `auth` schema there); on a Supabase
 * project's database the bootstrap is skipped. The connecting user must be able to `SET ROLE` to
 * anon/authenticated/service_role.
 */
export async function createPostgresDatabase(opts: PostgresDatabaseOptions): Promise<Database> {
  const log = opts.log ?? (() => undefined);
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.max ?? 10 });
  // An idle pooled connection that drops (server restart) must not crash the process: the pool replaces it.
  pool.on('error', (err) => log(`postgres: idle connection lost: ${err.message}`));
  try {
    // A Supabase project's own database has all of this, owned by roles we may not alter: leave it be.
    if (!opts.bootstrapped) {
      const isSupabase = await pool.query(`select 1 from pg_roles where rolname = 'supabase_admin'`);
      if (isSupabase.rowCount === 0) await pool.query(SUPABASE_BOOTSTRAP_SQL);
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }

  const roleTimeouts = new RoleTimeouts(async (sql, params) => {
    const r = await pool.query(sql, params);
    return { rows: r.rows as { role: string; timeout: string | null }[] };
  }, opts.statementTimeouts);

  async function transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, claims?: JwtClaims): Promise<T> {
    const settings = claims ? requestSettingsQuery(claims, await roleTimeouts.forRole(apiRole(claims))) : undefined;
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('begin');
      if (settings) await client.query(settings.sql, settings.params);
      const value = await fn(executor(client));
      await client.query('commit');
      return value;
    } catch (err) {
      await client.query('rollback').catch(() => {
        broken = true; // the connection itself failed: do not hand it to the next request
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  const handlers = new Map<string, Set<(payload: string) => void>>();
  let listener: Promise<pg.PoolClient> | undefined;
  let closed = false;

  /** The LISTEN connection, (re)connected on demand with every channel listened to again. */
  function listenConnection(): Promise<pg.PoolClient> {
    listener ??= (async () => {
      const client = await pool.connect();
      client.on('notification', (n) => {
        for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
      });
      let lost = false;
      client.on('error', (err) => {
        // pg can report one failure more than once (an error message, then the socket's end):
        // release and reconnect once, since pg-pool throws on a second release.
        if (lost || closed) return; // close() has released it already
        lost = true;
        log(`postgres: LISTEN connection lost (${err.message}); reconnecting`);
        client.release(true);
        listener = undefined;
        if (!closed) void reconnect();
      });
      for (const channel of handlers.keys()) await client.query(`listen ${quoteIdent(channel)}`);
      return client;
    })();
    listener.catch(() => {
      listener = undefined;
    });
    return listener;
  }

  /** After a drop: reconnect, then tell every listener so it can catch up on what it may have missed. */
  async function reconnect(): Promise<void> {
    for (let attempt = 0; !closed; attempt++) {
      try {
        await listenConnection();
        for (const set of handlers.values()) for (const h of set) h('');
        return;
      } catch (err) {
        log(`postgres: LISTEN reconnect failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
      }
    }
  }

  return {
    ...executor(pool),
    transaction: (fn) => transaction(fn),
    asRole: (claims, fn) => transaction(fn, claims),
    listen: async (channel, onNotify) => {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await (await listenConnection()).query(`listen ${quoteIdent(channel)}`);
      }
      set.add(onNotify);
      const own = set;
      return async () => {
        own.delete(onNotify);
        if (own.size === 0 && handlers.get(channel) === own) {
          handlers.delete(channel);
          if (!closed) await (await listenConnection()).query(`unlisten ${quoteIdent(channel)}`);
        }
      };
    },
    close: async () => {
      closed = true;
      const client = await listener?.catch(() => undefined);
      listener = undefined;
      client?.release();
      await pool.end();
    },
  };
}
