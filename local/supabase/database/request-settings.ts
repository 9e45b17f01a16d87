import type { JwtClaims } from './database';

/** The only roles a request may run as: a JWT naming any other role (e.g. postgres) is refused. */
export const API_ROLES: ReadonlySet<string> = new Set(['anon', 'authenticated', 'service_role']);

/** Thrown before any SQL runs when the claims name a role the API does not switch to. */
export class UnknownRoleError extends Error {
  /** SQLSTATE Postgres itself uses for `set role` to a missing role, so callers map both alike. */
  readonly code = '22023';
  constructor(readonly role: unknown) {
    super(`role ${JSON.stringify(role)} does not exist (allowed: ${[...API_ROLES].join(', ')})`);
    this.name = 'UnknownRoleError';
  }
}

/** The claims' role if the API switches to it; UnknownRoleError otherwise. */
export function apiRole(claims: JwtClaims): string {
  if (typeof claims.role !== 'string' || !API_ROLES.has(claims.role)) throw new UnknownRoleError(claims.role);
  return claims.role;
}

/**
 * Per-role statement timeouts that override what the database says (`ALTER ROLE … SET
 * statement_timeout`), in Postgres's syntax: `'3s'`, `'1min'`, `'2500'` (ms), `'0'` (none).
 */
export type StatementTimeouts = Partial<Record<'anon' | 'authenticated' | 'service_role', string>>;

/**
 * The one statement that turns a fresh transaction into a PostgREST request: `SET LOCAL ROLE` (as
 * `set_config('role', …, true)`, which takes a parameter), the claims, both the JSON that current
 * policies read and the older per-claim settings (`request.jwt.claim.sub`, `.role`, `.email`), and
 * `SET LOCAL statement_timeout` to the role's (`timeout`, see role-timeouts.ts; null keeps the
 * session's). Its one row's `statement_timeout` column is the timeout now in force, in Postgres's
 * display form (see parseStatementTimeout).
 */
export function requestSettingsQuery(claims: JwtClaims, timeout: string | null = null): { sql: string; params: (string | null)[] } {
  const role = apiRole(claims);
  const claim = (name: string): string => {
    const v = claims[name];
    return typeof v === 'string' ? v : '';
  };
  return {
    sql:
      "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), " +
      "set_config('request.jwt.claim.sub', $3, true), set_config('request.jwt.claim.role', $4, true), " +
      "set_config('request.jwt.claim.email', $5, true), " +
      "set_config('statement_timeout', coalesce($6::text, current_setting('statement_timeout')), true) as statement_timeout",
    params: [role, JSON.stringify(claims), claim('sub'), role, claim('email'), timeout],
  };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** `'3s'`, `'1min'`, `'2500ms'`, `'8000'` (no unit: ms, as Postgres reads statement_timeout) to ms; 0 means none. */
export function parseStatementTimeout(text: unknown): number {
  const m = typeof text === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(text) : null;
  if (!m) throw new Error(`statement_timeout ${JSON.stringify(text)} is not a duration Postgres would accept`);
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1));
}
