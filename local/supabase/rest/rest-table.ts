import { closest } from './fuzzy-hint';
import { PostgrestError } from './postgrest-error';
import type { SchemaCache, TableInfo } from './schema-cache';

/** The table or view a request names in `schema`; unknown: 404 PGRST205 with PostgREST's hint. */
export async function resolveTable(cache: SchemaCache, schema: string, name: string): Promise<TableInfo> {
  const table = await cache.table(schema, name);
  if (table) return table;
  const suggestion = closest(name, cache.tableNames(schema));
  throw new PostgrestError(404, 'PGRST205', `Could not find the table '${schema}.${name}' in the schema cache`, null, suggestion ? `Perhaps you meant the table '${schema}.${suggestion}'` : null);
}

/** `"public"."video_jobs"` */
export function qualifiedName(table: { schema: string; name: string }): string {
  return `"${table.schema.replace(/"/g, '""')}"."${table.name.replace(/"/g, '""')}"`;
}
