import type { SqlExecutor } from '../database/database';
import type { Preferences } from './postgrest-prefer';
import { objectSql, type CompiledNode } from './read-sql';
import type { OutputFormat } from './rest-negotiation';
import type { SqlParams } from './sql-params';

export interface ShapedResult {
  body: string;
  /** Rows in the answer (one object per row). */
  n: number;
  total?: number;
}

/** The statement that turns a compiled read into the answer's body, in the negotiated format. */
function bodySql(p: SqlParams, node: CompiledNode, format: OutputFormat, countSql: string | undefined, extra: string): string {
  const total = (countSql ? `, (select count(*) from (${countSql}) _c)::bigint as total` : '') + extra;
  if (format.kind === 'csv') {
    const header = p.typed(node.keys.join(','), 'text');
    const cols = node.cols.length ? node.cols.map((c) => `_t.${c}`).join(', ') : 'null';
    return (
      `select ${header} || coalesce(chr(10) || string_agg(substring(r::text, 2, length(r::text) - 2), chr(10)), '') as body, count(*)::int as n${total} ` +
      `from (select ${cols} from (${node.sql}) _t) r`
    );
  }
  const obj = objectSql(p, '_t', node.cols, node.keys, 'json');
  const row = format.kind === 'json' && format.stripNulls ? `json_strip_nulls(${obj})` : obj;
  return `select coalesce(json_agg(${row}), '[]')::text as body, count(*)::int as n${total} from (${node.sql}) _t`;
}

/** Runs a compiled read in `tx` and shapes its answer; counts as `Prefer: count=` asks. */
export interface RunOptions {
  countSql?: string;
  maxRows?: number;
  planned?: () => { sql: string; values: unknown[] };
  /** `with pgrst_source as (...) ` before the statement (writes, calls). */
  withClause?: string;
  /** Extra output columns (`, expr as name`) of the statement, returned in `extra`. */
  extra?: string;
}

export async function runRead(
  tx: SqlExecutor,
  p: SqlParams,
  node: CompiledNode,
  format: OutputFormat,
  prefs: Pick<Preferences, 'count'>,
  o: RunOptions = {},
): Promise<ShapedResult & { extra?: Record<string, unknown> }> {
  const { countSql, maxRows, planned } = o;
  const exact = prefs.count === 'exact' || prefs.count === 'estimated';
  const sql = (o.withClause ?? '') + bodySql(p, node, format, exact ? countSql : undefined, o.extra ?? '');
  if (format.kind === 'plan') {
    const opts = ['format ' + format.format, ...format.options.map((o) => `${o} true`)].join(', ');
    const r = await tx.query<{ 'QUERY PLAN': unknown }>(`explain (${opts}) ${sql}`, p.values);
    const lines = r.rows.map((x) => x['QUERY PLAN']);
    const body = format.format === 'json' ? (typeof lines[0] === 'string' ? (lines[0] as string) : JSON.stringify(lines[0])) : lines.join('\n');
    return { body, n: 0 };
  }
  const r = await tx.query<{ body: string; n: number; total?: string | number }>(sql, p.values);
  const row = r.rows[0] ?? { body: '[]', n: 0 };
  const extra = row as unknown as Record<string, unknown>;
  let total = row.total !== undefined && row.total !== null ? Number(row.total) : undefined;
  if (planned && (prefs.count === 'planned' || (prefs.count === 'estimated' && maxRows !== undefined && total !== undefined && total > maxRows))) {
    const q = planned();
    total = await plannedCount(tx, q.sql, q.values);
  }
  return { body: row.body, n: row.n, total, extra };
}

/** The planner's row estimate for a query, as `count=planned` reports it. */
async function plannedCount(tx: SqlExecutor, sql: string, values: unknown[]): Promise<number> {
  const r = await tx.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${sql}`, values);
  const raw = r.rows[0]?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan?: { 'Plan Rows'?: number } }>;
  return Math.round(plan[0]?.Plan?.['Plan Rows'] ?? 0);
}
