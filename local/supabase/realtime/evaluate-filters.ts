/**
 * Evaluates postgres_changes filters against one captured change the way realtime.apply_rls does
 * (realtime.is_visible_through_filters + check_equality_op): in Postgres, with the value cast to
 * the column's type and the operator's own semantics (numbers as numbers, uuids, timestamps,
 * LIKE, regular expressions, IS DISTINCT FROM), a NULL result counting as "no match".
 * INSERT and UPDATE test the new row; DELETE tests only the old row's identity columns (the
 * primary key unless the table has REPLICA IDENTITY FULL): a filter on any other column cannot be
 * evaluated and, as in Supabase, does not match, so such a DELETE is not delivered.
 *
 * All filters of all subscribers of the change are evaluated in one statement: the row is rebuilt
 * with jsonb_populate_record (the inverse of the capture's to_jsonb), each distinct filter is one
 * array element, every value a parameter. Identifiers and type names come from the catalog.
 */
import type { SqlExecutor } from '../database/database';
import type { ColumnFilter } from './parse-postgres-filter';
import type { TableInfo } from './table-catalog';

/** Postgres's own limit is 65535 parameters; stay well below it. */
const MAX_FILTERS_PER_QUERY = 2000;

export function filterKey(f: ColumnFilter): string {
  return JSON.stringify([f.column, f.op, f.value, f.negate]);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const OPERATOR_SQL: Record<Exclude<ColumnFilter['op'], 'in' | 'is' | 'isdistinct'>, string> = {
  eq: '=',
  neq: '!=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
};

const IS_KEYWORDS = new Set(['null', 'true', 'false', 'unknown']);

/** One filter as a SQL boolean over `r` (the rebuilt row); null if it cannot be expressed. */
function predicate(f: ColumnFilter, regtype: string, param: () => string): string | null {
  const col = `(r).${quoteIdent(f.column)}`;
  let sql: string;
  switch (f.op) {
    case 'is':
      // Checked at join; the keyword is never a parameter in SQL, so it must be one of these.
      if (!IS_KEYWORDS.has(f.value)) return null;
      sql = `${col} is ${f.negate ? 'not ' : ''}${f.value}`;
      return sql;
    case 'isdistinct':
      return `${col} is ${f.negate ? 'not ' : ''}distinct from ${param()}::${regtype}`;
    case 'in':
      sql = `${col} = any (${param()}::${regtype}[])`;
      break;
    default:
      sql = `${col} ${OPERATOR_SQL[f.op]} (${param()}::${regtype})`;
  }
  return f.negate ? `not (${sql})` : sql;
}

/**
 * Returns, for each distinct filter (by filterKey), whether the change passes it. `which` picks the
 * row the filters test: the new one (INSERT, UPDATE) or the old one's identity (DELETE).
 */
export async function evaluateFilters(
  db: SqlExecutor,
  changeId: string,
  info: TableInfo,
  which: 'record' | 'old_record',
  filters: ColumnFilter[],
): Promise<Map<string, boolean>> {
  const verdict = new Map<string, boolean>();
  const pending: ColumnFilter[] = [];
  const seen = new Set<string>();
  const known = which === 'old_record' ? new Set(info.identity) : null;
  for (const f of filters) {
    const key = filterKey(f);
    if (seen.has(key)) continue;
    seen.add(key);
    const column = info.columns.find((c) => c.name === f.column);
    // Not in the WAL's column list (dropped since, or not part of the old row's identity): Supabase
    // fails closed.
    if (!column || (known && !known.has(f.column))) verdict.set(key, false);
    else pending.push(f);
  }
  const entity = `${quoteIdent(info.schema)}.${quoteIdent(info.table)}`;
  for (let start = 0; start < pending.length; start += MAX_FILTERS_PER_QUERY) {
    const chunk = pending.slice(start, start + MAX_FILTERS_PER_QUERY);
    const params: unknown[] = [changeId];
    const parts = chunk.map((f) => {
      const regtype = info.columns.find((c) => c.name === f.column)!.regtype;
      const p = predicate(f, regtype, () => {
        params.push(f.value);
        return `$${params.length}`;
      });
      return p === null ? 'false' : `coalesce(${p}, false)`;
    });
    const { rows } = await db.query<{ ok: unknown }>(
      `select array[${parts.join(', ')}]::boolean[] as ok
         from realtime.changes c, lateral (select jsonb_populate_record(null::${entity}, c.${which}) as r) x
        where c.id = $1::bigint`,
      params,
    );
    const results = parseBoolArray(rows[0]?.ok);
    chunk.forEach((f, i) => verdict.set(filterKey(f), results[i] === true));
  }
  return verdict;
}

/** Drivers hand back boolean[] as an array (PGlite, pg) or as Postgres text `{t,f}`. */
export function parseBoolArray(v: unknown): boolean[] {
  if (Array.isArray(v)) return v.map((x) => x === true || x === 't');
  if (typeof v === 'string') return v.replace(/[{}]/g, '').split(',').filter(Boolean).map((x) => x === 't' || x === 'true');
  return [];
}
