import type { SqlExecutor } from '../database/database';
import { SchemaCache } from './schema-cache';

/**
 * How the local PostgREST is configured, with Supabase's defaults. The same settings can also come
 * from the database, as PostgREST reads them (`alter role authenticator set pgrst.db_schemas = ...`,
 * `pgrst.db_aggregates_enabled`, `pgrst.db_plan_enabled`, `pgrst.db_tx_end`, `pgrst.db_max_rows`);
 * those win, as in PostgREST.
 */
export interface RestSettings {
  /** Exposed schemas (Supabase's `[api] schemas`); the first is the default profile. Default ['public']. */
  schemas?: string[];
  /** Largest number of rows a read answers (Supabase's `max_rows`). Default 1000. */
  maxRows?: number;
  /** `count()`/`sum()`... in select. Default false, as PostgREST's db-aggregates-enabled. */
  aggregatesEnabled?: boolean;
  /** `Accept: application/vnd.pgrst.plan` (EXPLAIN). Default false, as PostgREST's db-plan-enabled. */
  planEnabled?: boolean;
}

export function createSchemaCache(db: SqlExecutor, s: RestSettings = {}): SchemaCache {
  const schemas = s.schemas ?? ['public'];
  if (schemas.length === 0 || schemas.some((x) => typeof x !== 'string' || x === '')) throw new Error('rest.schemas must list at least one schema name');
  return new SchemaCache(db, schemas, { maxRows: s.maxRows ?? 1000, aggregatesEnabled: s.aggregatesEnabled ?? false, planEnabled: s.planEnabled ?? false });
}
