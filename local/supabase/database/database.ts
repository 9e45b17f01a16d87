/**
 * The SQL engine behind the local Supabase-compatible API: embedded Postgres (PGlite) by default,
 * a real Postgres when DATABASE_URL is set. Everything in local/supabase/ talks to the database
 * through this interface only.
 */

/** JWT claims as PostgREST exposes them in `request.jwt.claims` (sub, role, email, exp, ...). */
export type JwtClaims = Record<string, unknown> & { role: string; sub?: string };

export interface QueryResult<T> {
  rows: T[];
  /** Rows affected by INSERT/UPDATE/DELETE where the driver reports it. */
  affectedRows?: number;
}

export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export interface Database extends SqlExecutor {
  /** Runs `fn` in one transaction; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction as PostgREST would for a request: `SET LOCAL ROLE <claims.role>`
   * and `set_config('request.jwt.claims', <claims json>, true)` (plus `request.jwt.claim.sub`/`role`
   * for older policies), so RLS policies and auth.uid()/auth.jwt()/auth.role() decide as in Supabase.
   */
  asRole<T>(claims: JwtClaims, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; returns an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
