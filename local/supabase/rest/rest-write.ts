import type { IncomingMessage } from 'node:http';
import type { Database, JwtClaims, SqlExecutor } from '../database/database';
import { PostgrestError, invalidBody } from './postgrest-error';
import { appliedHeader, checkMaxAffected, parsePrefer, type Preferences } from './postgrest-prefer';
import { parseReadParams, type ReadParams } from './postgrest-query';
import { compileNode } from './read-sql';
import { runRead } from './read-statement';
import { newContext, resolveCasts } from './rest-read';
import { negotiate, requestSchema, type OutputFormat } from './rest-negotiation';
import { checkSingle, contentRange, outputBody } from './rest-output';
import type { RestResponse } from './rest-response';
import { qualifiedName, resolveTable } from './rest-table';
import { whereSql } from './write-filters';
import type { SchemaCache, TableInfo } from './schema-cache';
import { SqlParams, ident } from './sql-params';

type Deps = { db: Database; cache: SchemaCache };
type Row = Record<string, unknown>;

/** Thrown inside the transaction to undo it while still answering (Prefer: tx=rollback). */
class RollbackWith extends Error {
  constructor(readonly response: RestResponse) {
    super('rollback requested');
  }
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') throw invalidBody('Empty or invalid json');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidBody(`Empty or invalid json: ${(err as Error).message}`);
  }
}

export const isRow = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

function missingColumn(table: TableInfo, column: string): PostgrestError {
  return new PostgrestError(400, 'PGRST204', `Could not find the '${column}' column of '${table.name}' in the schema cache`);
}

/** `columns="a","b"` (supabase-js quotes them) or `columns=a,b`. */
function parseColumnsParam(raw: string): string[] {
  return raw.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

/** Whether `Prefer: tx=rollback` is honoured (PostgREST's db-tx-end). */
export function rollsBack(cache: SchemaCache, prefs: Preferences): boolean {
  const end = cache.settings.txEnd;
  if (end === 'commit-allow-override' || end === 'rollback-allow-override') return prefs.tx ? prefs.tx === 'rollback' : end.startsWith('rollback');
  return end === 'rollback';
}

export interface WriteSpec {
  table: TableInfo;
  statement: string;
  p: SqlParams;
  params: ReadParams;
  kind: 'insert' | 'update' | 'delete' | 'upsert' | 'put';
}

/** Runs a write as one statement, reads back the representation through the select (embeds included), and answers as PostgREST. */
export async function runWrite(deps: Deps, req: IncomingMessage, claims: JwtClaims, prefs: Preferences, format: OutputFormat, spec: WriteSpec): Promise<RestResponse> {
  const representation = prefs.returnMode === 'representation';
  const types = await resolveCasts(deps.cache, spec.params);
  const ctx = newContext(deps.cache, spec.params, types, spec.p);
  const node = representation ? compileNode(ctx, { table: spec.table, from: 'pgrst_source' }, spec.params.select, [], 0, undefined, false, {}) : undefined;
  const created = spec.kind === 'insert' || spec.kind === 'upsert';
  // Only a merge-duplicates upsert that inserted nothing answers 200 (PostgREST's rule).
  const tracksInserts = spec.kind === 'upsert' && prefs.resolution === 'merge-duplicates';
  const run = async (tx: SqlExecutor) => {
    if (!node) {
      const r = await tx.query(spec.statement, spec.p.values);
      return { body: '', n: r.affectedRows ?? 0, inserted: undefined as number | undefined };
    }
    const returning = tracksInserts ? ' returning *, xmax = 0 as pgrst_inserted' : ' returning *';
    const extra = tracksInserts ? ', (select count(*) from pgrst_source where pgrst_inserted)::int as inserted' : '';
    const r = await runRead(tx, ctx.p, node, format, {}, { withClause: `with pgrst_source as (${spec.statement}${returning}) `, extra });
    return { body: r.body, n: r.n, inserted: r.extra?.inserted as number | undefined };
  };
  const rollback = rollsBack(deps.cache, prefs);
  try {
    return await deps.db.asRole(claims, async (tx) => {
      const { body, n, inserted } = await run(tx);
      if (spec.kind === 'update' || spec.kind === 'delete') checkMaxAffected(prefs, n);
      if (representation) checkSingle(format, n);
      const status = representation ? (spec.kind === 'put' ? 200 : tracksInserts ? (inserted === 0 ? 200 : 201) : created ? 201 : 200) : created ? 201 : 204;
      const headers: Record<string, string> = {
        'Content-Range': created ? `*/${prefs.count ? n : '*'}` : contentRange(0, n, prefs.count ? n : undefined),
        ...appliedHeader(prefs, [
          prefs.returnMode !== 'minimal' ? `return=${prefs.returnMode}` : undefined,
          prefs.count ? `count=${prefs.count}` : undefined,
          spec.kind === 'upsert' && prefs.resolution ? `resolution=${prefs.resolution}` : undefined,
          prefs.missingDefault ? 'missing=default' : undefined,
          prefs.tx && rollback === (prefs.tx === 'rollback') ? `tx=${prefs.tx}` : undefined,
          prefs.strict && prefs.maxAffected !== undefined ? 'handling=strict' : undefined,
          prefs.strict && prefs.maxAffected !== undefined ? `max-affected=${prefs.maxAffected}` : undefined,
        ]),
      };
      const response: RestResponse = representation ? { status, ...outputBody(format, { body, n }), headers } : { status, body: '', headers };
      if (rollback) throw new RollbackWith(response);
      return response;
    });
  } catch (err) {
    if (err instanceof RollbackWith) return err.response;
    throw err;
  }
}

/** A JSON row as the table's row type, one cell at a time; absent keys NULL or, with missing=default, DEFAULT. */
function insertSource(table: TableInfo, columns: string[], rows: Row[], p: SqlParams, missingDefault: boolean): string {
  const into = qualifiedName(table);
  const colList = columns.map(ident).join(', ');
  if (missingDefault) {
    // As PostgREST: every row starts from the columns' defaults (evaluated per row, so identity
    // sequences advance for each row) and the row's own keys override them.
    const defaults = columns.flatMap((c) => {
      const d = table.columns.get(c)?.defaultSql;
      return d ? [`${p.typed(c, 'text')}, ${d}`] : [];
    });
    const merged = `(select coalesce(jsonb_agg(jsonb_build_object(${defaults.join(', ')}) || elem), '[]') from jsonb_array_elements(${p.typed(JSON.stringify(rows), 'jsonb')}) elem)`;
    return `select ${colList} from jsonb_populate_recordset(null::${into}, ${merged}) _`;
  }
  return `select ${colList} from json_populate_recordset(null::${into}, ${p.add(JSON.stringify(rows))}::json) _`;
}

/** POST /rest/v1/<table>: insert one or many rows, or upsert with Prefer: resolution=… and on_conflict. */
export async function insertRows(deps: Deps, req: IncomingMessage, tableName: string, query: URLSearchParams, bodyText: string, claims: JwtClaims): Promise<RestResponse> {
  const schema = requestSchema(req, deps.cache);
  const prefs = parsePrefer(req);
  const format = negotiate(req, deps.cache);
  const params = parseReadParams(query);
  const payload = parseJson(bodyText);
  const rows = Array.isArray(payload) ? payload : [payload];
  if (!rows.every(isRow)) throw invalidBody('All object keys must match');
  const table = await resolveTable(deps.cache, schema, tableName);
  const columnsParam = query.get('columns');
  const columns = columnsParam !== null ? parseColumnsParam(columnsParam) : [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const onConflictParam = query.get('on_conflict');
  const onConflict = onConflictParam !== null ? parseColumnsParam(onConflictParam) : undefined;
  for (const c of [...columns, ...(onConflict ?? [])]) if (!table.columns.has(c)) throw missingColumn(table, c);
  const p = new SqlParams();
  const into = qualifiedName(table);
  let statement: string;
  if (rows.length === 0) statement = `insert into ${into} select * from ${into} where false`;
  else if (columns.length === 0) {
    if (rows.length > 1) throw invalidBody('All object keys must match');
    statement = `insert into ${into} default values`;
  } else statement = `insert into ${into} (${columns.map(ident).join(', ')}) ${insertSource(table, columns, rows, p, prefs.missingDefault)}`;
  if (prefs.resolution && rows.length > 0) {
    const target = onConflict ?? table.primaryKey;
    const targetSql = target.length > 0 ? ` (${target.map(ident).join(', ')})` : '';
    if (prefs.resolution === 'ignore-duplicates' || columns.length === 0) statement += ` on conflict${targetSql} do nothing`;
    else {
      if (target.length === 0) throw new PostgrestError(400, 'PGRST100', '"failed to parse on_conflict"', `table ${table.name} has no primary key: give on_conflict=<columns>`);
      statement += ` on conflict${targetSql} do update set ${columns.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}`;
    }
  }
  return runWrite(deps, req, claims, prefs, format, { table, statement, p, params: { ...params, filters: [], orders: [], ranges: [] }, kind: prefs.resolution ? 'upsert' : 'insert' });
}

/** PATCH /rest/v1/<table>?filters: update the filtered rows with the body's columns. */
export async function updateRows(deps: Deps, req: IncomingMessage, tableName: string, query: URLSearchParams, bodyText: string, claims: JwtClaims): Promise<RestResponse> {
  const schema = requestSchema(req, deps.cache);
  const prefs = parsePrefer(req);
  const format = negotiate(req, deps.cache);
  const params = parseReadParams(query);
  const payload = parseJson(bodyText);
  if (!isRow(payload)) throw invalidBody('The JSON body of an update must be one object');
  const table = await resolveTable(deps.cache, schema, tableName);
  const columns = Object.keys(payload);
  for (const c of columns) if (!table.columns.has(c)) throw missingColumn(table, c);
  const p = new SqlParams();
  const target = qualifiedName(table);
  const where = whereSql(deps.cache, table, params, p, 'UPDATE');
  if (columns.length === 0) {
    // An empty body sets nothing: an UPDATE that matches no row keeps the filters checked and the answer's shape.
    const first = ident([...table.columns.keys()][0] ?? '');
    const statement = `update ${target} set ${first} = ${target}.${first} where (${where}) and false`;
    return runWrite(deps, req, claims, prefs, format, { table, statement, p, params: { ...params, filters: [], orders: [], ranges: [] }, kind: 'update' });
  }
  const colList = columns.map(ident).join(', ');
  const source = `(select ${colList} from json_populate_record(null::${target}, ${p.add(JSON.stringify(payload))}::json) _b)`;
  const statement = `update ${target} set (${colList}) = ${source} where ${where}`;
  return runWrite(deps, req, claims, prefs, format, { table, statement, p, params: { ...params, filters: [], orders: [], ranges: [] }, kind: 'update' });
}

/** DELETE /rest/v1/<table>?filters */
export async function deleteRows(deps: Deps, req: IncomingMessage, tableName: string, query: URLSearchParams, claims: JwtClaims): Promise<RestResponse> {
  const schema = requestSchema(req, deps.cache);
  const prefs = parsePrefer(req);
  const format = negotiate(req, deps.cache);
  const params = parseReadParams(query);
  const table = await resolveTable(deps.cache, schema, tableName);
  const p = new SqlParams();
  const statement = `delete from ${qualifiedName(table)} where ${whereSql(deps.cache, table, params, p, 'DELETE')}`;
  return runWrite(deps, req, claims, prefs, format, { table, statement, p, params: { ...params, filters: [], orders: [], ranges: [] }, kind: 'delete' });
}
