import type { QueryResult } from './database';
import { API_ROLES, type StatementTimeouts } from './request-settings';

/**
 * Each API role's statement timeout, as PostgREST applies "impersonated role settings": the
 * role's own `ALTER ROLE … SET statement_timeout` (this database's before the global one), else
 * the authenticator's (the role PostgREST logs in as, so its login setting applies), else none
 * (null: the session's stays). Supabase sets anon 3 s, authenticated 8 s, authenticator 8 s;
 * service_role has none of its own and so runs under the authenticator's 8 s, as Supabase's docs say.
 */
const ROLE_TIMEOUTS_SQL = `
select r.rolname::text as role, (
  select substr(c, length('statement_timeout=') + 1)
  from pg_catalog.pg_db_role_setting s cross join lateral unnest(s.setconfig) c
  where s.setrole in (r.oid, (select oid from pg_catalog.pg_roles where rolname = 'authenticator'))
    and s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
    and c like 'statement_timeout=%'
  order by (s.setrole = r.oid) desc, s.setdatabase desc
  limit 1) as timeout
from pg_catalog.pg_roles r where r.rolname = any($1::text[])`;

/**
 * PostgREST reads role settings when it loads its schema cache, not per request (looking them up
 * per request cost 1-2 ms on PGlite, more than the rest of a small request): they are read at most
 * every `ttlMs`, so an `ALTER ROLE` is in force within seconds. Options override the database.
 */
export class RoleTimeouts {
  private loaded: { at: number; byRole: Map<string, string | null> } | undefined;
  private loading: Promise<Map<string, string | null>> | undefined;

  constructor(
    private readonly query: (sql: string, params: unknown[]) => Promise<QueryResult<{ role: string; timeout: string | null }>>,
    private readonly overrides: StatementTimeouts = {},
    private readonly ttlMs = 5000,
  ) {}

  /** The timeout to `SET LOCAL` for `role` (null: keep the session's). */
  async forRole(role: string): Promise<string | null> {
    const override = this.overrides[role as keyof StatementTimeouts];
    if (override !== undefined) return override;
    const fresh = this.loaded && Date.now() - this.loaded.at < this.ttlMs ? this.loaded.byRole : await this.reload();
    return fresh.get(role) ?? null;
  }

  private reload(): Promise<Map<string, string | null>> {
    this.loading ??= this.query(ROLE_TIMEOUTS_SQL, [[...API_ROLES]])
      .then((r) => {
        const byRole = new Map(r.rows.map((row) => [row.role, row.timeout]));
        this.loaded = { at: Date.now(), byRole };
        return byRole;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
