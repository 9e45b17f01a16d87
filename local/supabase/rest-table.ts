import { unknownTable } from './postgrest-error';
import type { SchemaCache, TableInfo } from './schema-cache';

/**
 * The table a request names, refreshed from the catalog once if it or one of `columns` is missing
 * (a table or column made after start). Unknown table: 404 PGRST205. Missing columns are left for
 * the SQL compilers to report by name.
 */
export async function resolveTable(cache: SchemaCache, name: string, columns: Iterable<string>): Promise<TableInfo> {
  let table = await cache.table(name);
  if (!table) throw unknownTable(name, cache.suggestTable(name));
  const wanted = [...columns].filter((c) => c !== '*');
  if (wanted.some((c) => !table?.columns.has(c)) && (await cache.reloadAfterMiss())) {
    table = await cache.table(name);
    if (!table) throw unknownTable(name, cache.suggestTable(name));
  }
  return table;
}

/** `"public"."video_jobs"` */
export function qualifiedName(table: { schema: string; name: string }): string {
  return `"${table.schema.replace(/"/g, '""')}"."${table.name.replace(/"/g, '""')}"`;
}
