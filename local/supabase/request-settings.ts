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

/**
 * The one statement that turns a fresh transaction into a PostgREST request: `SET LOCAL ROLE` (as
 * `set_config('role', …, true)`, which takes a parameter) and the claims, both the JSON that
 * current policies read and the older per-claim settings (`request.jwt.claim.sub`, `.role`, `.email`).
 */
export function requestSettingsQuery(claims: JwtClaims): { sql: string; params: string[] } {
  if (typeof claims.role !== 'string' || !API_ROLES.has(claims.role)) throw new UnknownRoleError(claims.role);
  const claim = (name: string): string => {
    const v = claims[name];
    return typeof v === 'string' ? v : '';
  };
  return {
    sql:
      "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), " +
      "set_config('request.jwt.claim.sub', $3, true), set_config('request.jwt.claim.role', $4, true), " +
      "set_config('request.jwt.claim.email', $5, true)",
    params: [claims.role, JSON.stringify(claims), claim('sub'), claims.role, claim('email')],
  };
}
