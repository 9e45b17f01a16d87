/**
 * Turns the postgres_changes bindings of a join into subscriptions the dispatcher can match:
 * an id per binding (realtime-js pairs the join reply with its own bindings by position, then
 * routes every change by these ids), the parsed filter, checked against the catalog.
 * Failures read like Supabase's ("Unable to subscribe to changes with given parameters...").
 */
import type { SqlExecutor } from '../database';
import { parsePostgresFilter, FilterParseError, type ColumnFilter } from './parse-postgres-filter';
import type { PostgresEvent, RawBinding } from './parse-join-payload';
import type { TableInfo } from './table-catalog';

export interface ResolvedBinding {
  id: number;
  event: PostgresEvent;
  /** '*' matches any. */
  schema: string;
  table: string;
  filters: ColumnFilter[];
}

export type ResolveResult = { ok: true; bindings: ResolvedBinding[] } | { ok: false; ids: number[]; message: string };

/** Stable 27-bit id from the binding's params, like Supabase's :erlang.phash2(params). */
export function bindingId(echo: Record<string, unknown>): number {
  const text = JSON.stringify(echo, Object.keys(echo).sort());
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7ffffff;
}

function paramsToLog(b: RawBinding, filters: ColumnFilter[] | string): string {
  const f = typeof filters === 'string' ? filters : JSON.stringify(filters.map((x) => [x.column, x.op, x.values.join(',')]));
  return `event: ${b.event}, schema: ${b.schema}, table: ${b.table}, filters: ${f}`;
}

function matchingTables(b: { schema: string; table: string }, tables: Map<string, TableInfo>): TableInfo[] {
  return [...tables.values()].filter(
    (t) => (b.schema === '*' || t.schema === b.schema) && (b.table === '*' || t.table === b.table),
  );
}

/**
 * `refreshCatalog` re-reads the publication (and captures newly published tables): it is called
 * once if a binding names a table the current catalog does not know.
 */
export async function resolveBindings(
  raw: RawBinding[],
  getCatalog: () => Map<string, TableInfo>,
  refreshCatalog: () => Promise<void>,
  db: SqlExecutor,
): Promise<ResolveResult> {
  const ids = raw.map((b) => bindingId(b.echo));
  const bindings: ResolvedBinding[] = [];
  let refreshed = false;
  for (const [i, b] of raw.entries()) {
    if (b.invalid) return { ok: false, ids, message: `Unable to subscribe to changes with given parameters: ${b.invalid}` };
    let filters: ColumnFilter[];
    try {
      filters = parsePostgresFilter(b.filter);
    } catch (err) {
      const why = err instanceof FilterParseError ? err.message : String(err);
      return { ok: false, ids, message: `Error parsing \`filter\` params: ${why}` };
    }
    let tables = matchingTables(b, getCatalog());
    if (tables.length === 0 && !refreshed) {
      await refreshCatalog();
      refreshed = true;
      tables = matchingTables(b, getCatalog());
    }
    if (tables.length === 0) {
      return {
        ok: false,
        ids,
        message: `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${paramsToLog(b, b.filter ?? '[]')}]`,
      };
    }
    for (const f of filters) {
      for (const t of tables) {
        const col = t.columns.find((c) => c.name === f.column);
        const fail = (why: string): ResolveResult => ({
          ok: false,
          ids,
          message: `Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [${paramsToLog(b, filters)}]. Exception: ${why}`,
        });
        if (!col) return fail(`invalid column for filter ${f.column} (table ${t.schema}.${t.table} has ${t.columns.map((c) => c.name).join(', ')})`);
        // Let Postgres judge the value the way its cast would; the type name comes from the catalog.
        for (const v of f.values) {
          try {
            await db.query(`select $1::${col.sqlType}`, [v]);
          } catch (err) {
            return fail(err instanceof Error ? err.message : String(err));
          }
        }
      }
    }
    bindings.push({ id: ids[i]!, event: b.event, schema: b.schema, table: b.table, filters });
  }
  return { ok: true, bindings };
}
