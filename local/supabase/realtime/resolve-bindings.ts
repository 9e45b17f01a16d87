/**
 * Turns the postgres_changes bindings of a join into subscriptions the dispatcher can match:
 * an id per binding (realtime-js pairs the join reply with its own bindings by position, then
 * routes every change by these ids), the parsed filter, checked against the catalog and the
 * subscribing role's column privileges (realtime.check_filters, after Supabase's
 * subscription_check_filters). As in Supabase, one bad binding fails them all, and failures read
 * like its own ("Unable to subscribe to changes with given parameters...").
 */
import type { SqlExecutor } from '../database/database';
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

/**
 * Supabase has no count limit of its own: a join's bindings are bounded there by the 5 MB frame
 * and the 10 s transaction that inserts them into realtime.subscription. Here every binding costs
 * work on every change, on the database that also answers REST, so a join may carry at most this
 * many (realtime-js sends one per `.on('postgres_changes')`; an app needs a handful).
 */
export const MAX_BINDINGS_PER_CHANNEL = 100;

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

/** Supabase's params_to_log: `event: *, schema: public, table: t, filters: [{"c", "eq", "v", false}]`. */
function paramsToLog(b: RawBinding, filters: ColumnFilter[] | string): string {
  const f =
    typeof filters === 'string'
      ? filters
      : `[${filters.map((x) => `{${JSON.stringify(x.column)}, ${JSON.stringify(x.op)}, ${JSON.stringify(x.value)}, ${String(x.negate)}}`).join(', ')}]`;
  return `event: ${b.event}, schema: ${b.schema}, table: ${b.table}, filters: ${f}`;
}

/** `*` matches any name, as Supabase's `like` on pg_publication_tables does. */
function matchingTables(b: { schema: string; table: string }, tables: Map<string, TableInfo>): TableInfo[] {
  return [...tables.values()].filter(
    (t) => (b.schema === '*' || t.schema === b.schema) && (b.table === '*' || t.table === b.table),
  );
}

export interface ResolveContext {
  getCatalog: () => Map<string, TableInfo>;
  /** Re-reads the publication (and captures newly published tables). */
  refreshCatalog: () => Promise<void>;
  db: SqlExecutor;
  /** The subscriber's role: filters may name only columns it can SELECT. */
  role: string;
}

export async function resolveBindings(raw: RawBinding[], ctx: ResolveContext): Promise<ResolveResult> {
  const ids = raw.map((b) => bindingId(b.echo));
  if (raw.length > MAX_BINDINGS_PER_CHANNEL) {
    return {
      ok: false,
      ids,
      message: `Unable to subscribe to changes with given parameters: a channel may carry at most ${MAX_BINDINGS_PER_CHANNEL} postgres_changes bindings, received ${raw.length}`,
    };
  }
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
    let tables = matchingTables(b, ctx.getCatalog());
    if (tables.length === 0 && !refreshed) {
      await ctx.refreshCatalog();
      refreshed = true;
      tables = matchingTables(b, ctx.getCatalog());
    }
    if (tables.length === 0) {
      return {
        ok: false,
        ids,
        message: `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${paramsToLog(b, filters)}]`,
      };
    }
    if (filters.length > 0) {
      for (const t of tables) {
        try {
          await ctx.db.query('select realtime.check_filters(format($1, $2::text, $3::text)::regclass, $4, $5::jsonb)', [
            '%I.%I',
            t.schema,
            t.table,
            ctx.role,
            JSON.stringify(filters),
          ]);
        } catch (err) {
          return {
            ok: false,
            ids,
            message: `Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [${paramsToLog(b, filters)}]. Exception: ${err instanceof Error ? err.message : String(err)}`,
          };
        }
      }
    }
    bindings.push({ id: ids[i]!, event: b.event, schema: b.schema, table: b.table, filters });
  }
  return { ok: true, bindings };
}
