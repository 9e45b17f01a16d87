import { PostgrestError } from './postgrest-error';
import type { ReadParams } from './postgrest-query';
import { filterSql, type NodeScope } from './read-filters';
import { qualifiedName } from './rest-table';
import type { SchemaCache } from './schema-cache';
import type { TableInfo } from './schema-types';
import type { SqlParams } from './sql-params';

/**
 * The WHERE of an UPDATE/DELETE from the request's top-level filters. Supabase loads pg-safeupdate
 * for API requests, so one without any filter is refused as Postgres would refuse it (21000).
 */
export function whereSql(cache: SchemaCache, table: TableInfo, params: ReadParams, p: SqlParams, verb: 'UPDATE' | 'DELETE'): string {
  const top = params.filters.filter((f) => f.path.length === 0);
  if (top.length === 0) throw new PostgrestError(400, '21000', `${verb} requires a WHERE clause`, null, null);
  const scope: NodeScope = { alias: qualifiedName(table), display: table.name, table, cache, p };
  return top.map((f) => filterSql(scope, f.filter)).join(' and ');
}
