import type { IncomingMessage } from 'node:http';
import type { Database, JwtClaims, SqlExecutor } from './database';
import { compileFilters, filterColumns, parseFilters, type Filter } from './postgrest-filter';
import { PostgrestError, invalidBody } from './postgrest-error';
import { checkProfile, compileSelect, parsePrefer, parseSelect, wantsSingleObject, type Preferences, type SelectItem } from './postgrest-modifiers';
import { OBJECT_CONTENT_TYPE, contentRange, firstOf, notOneRow, type RestResponse } from './rest-response';
import { qualifiedName, resolveTable } from './rest-table';
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

function parseJson(text: string): unknown {
  if (text.trim() === '') throw invalidBody('Empty or invalid json');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidBody(`Empty or invalid json: ${(err as Error).message}`);
  }
}

function isRow(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function missingColumn(table: TableInfo, column: string): PostgrestError {
  return new PostgrestError(400, 'PGRST204', `Could not find the '${column}' column of '${table.name}' in the schema cache`);
}

/** `columns="a","b"` (supabase-js quotes them) or `columns=a,b`. */
function parseColumnsParam(raw: string): string[] {
  return raw.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

/** Runs the statement; with representation wraps it so Postgres returns the rows as JSON. */
async function runWrite(
  tx: SqlExecutor,
  statement: string,
  params: SqlParams,
  select: SelectItem[],
  table: TableInfo,
  prefs: Preferences,
): Promise<{ body: string; n: number }> {
  if (prefs.returnMode !== 'representation') {
    // No RETURNING: with return=minimal a write must not need a SELECT policy, as in PostgREST.
    const result = await tx.query(statement, params.values);
    return { body: '', n: result.affectedRows ?? 0 };
  }
  const sql =
    `with pgrst_source as (${statement} returning *) ` +
    `select coalesce(json_agg(_r), '[]')::text as body, count(*)::int as n from (select ${compileSelect(select, table)} from pgrst_source) _r`;
  const r = await tx.query<{ body: string; n: number }>(sql, params.values);
  return r.rows[0] ?? { body: '[]', n: 0 };
}

async function respond(
  deps: Deps,
  req: IncomingMessage,
  claims: JwtClaims,
  prefs: Preferences,
  created: boolean,
  run: (tx: SqlExecutor) => Promise<{ body: string; n: number }>,
): Promise<RestResponse> {
  const single = wantsSingleObject(req);
  try {
    return await deps.db.asRole(claims, async (tx) => {
      const { body, n } = await run(tx);
      // single() on a write: PostgREST rolls the write back when it did not touch exactly one row.
      if (single && n !== 1) throw notOneRow(n);
      const headers: Record<string, string> = { 'Content-Range': created ? `*/${prefs.count ? n : '*'}` : contentRange(0, n, prefs.count ? n : undefined) };
      if (prefs.applied.length > 0) headers['Preference-Applied'] = prefs.applied.join(', ');
      const response: RestResponse =
        prefs.returnMode === 'representation'
          ? { status: created ? 201 : 200, body: single ? firstOf(body) : body, headers, contentType: single ? OBJECT_CONTENT_TYPE : undefined }
          : { status: created ? 201 : 204, body: '', headers };
      if (prefs.rollback) throw new RollbackWith(response);
      return response;
    });
  } catch (err) {
    if (err instanceof RollbackWith) return err.response;
    throw err;
  }
}

/** POST /rest/v1/<table>: insert one or many rows, or upsert with Prefer: resolution=… and on_conflict. */
export async function insertRows(deps: Deps, req: IncomingMessage, tableName: string, params: URLSearchParams, bodyText: string, claims: JwtClaims): Promise<RestResponse> {
  checkProfile(req);
  const prefs = parsePrefer(req);
  const select = parseSelect(params.get('select'));
  const payload = parseJson(bodyText);
  const rows = Array.isArray(payload) ? payload : [payload];
  if (!rows.every(isRow)) throw invalidBody('All items of the JSON body must be objects');
  const columnsParam = params.get('columns');
  const columns = columnsParam !== null ? parseColumnsParam(columnsParam) : [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const onConflictParam = params.get('on_conflict');
  const onConflict = onConflictParam !== null ? parseColumnsParam(onConflictParam) : undefined;
  const table = await resolveTable(deps.cache, tableName, [...columns, ...(onConflict ?? []), ...select.map((s) => s.column)]);
  for (const c of [...columns, ...(onConflict ?? [])]) if (!table.columns.has(c)) throw missingColumn(table, c);
  compileSelect(select, table);
  if (rows.length === 0) return { status: 201, body: prefs.returnMode === 'representation' ? '[]' : '', headers: { 'Content-Range': '*/0' } };

  const into = qualifiedName(table);
  const p = new SqlParams();
  const colList = columns.map(ident).join(', ');
  let statement: string;
  if (columns.length === 0) {
    if (rows.length > 1) throw invalidBody('Inserting several rows needs at least one column');
    statement = `insert into ${into} default values`;
  } else if (prefs.missingDefault) {
    // A key absent from a row takes the column's DEFAULT, so each cell is chosen per row.
    const values = rows.map((row) => {
      const rowParam = `${p.add(JSON.stringify(row))}::json`;
      return `(${columns.map((c) => (c in row ? `(json_populate_record(null::${into}, ${rowParam}))."${c.replace(/"/g, '""')}"` : 'default')).join(', ')})`;
    });
    statement = `insert into ${into} (${colList}) values ${values.join(', ')}`;
  } else {
    // As PostgREST: one JSON parameter, typed by the table's own row type; absent keys are NULL.
    statement = `insert into ${into} (${colList}) select ${colList} from json_populate_recordset(null::${into}, ${p.add(JSON.stringify(rows))}::json) _`;
  }
  if (prefs.resolution) {
    const target = onConflict ?? table.primaryKey;
    const targetSql = target.length > 0 ? ` (${target.map(ident).join(', ')})` : '';
    if (prefs.resolution === 'ignore-duplicates' || columns.length === 0) statement += ` on conflict${targetSql} do nothing`;
    else {
      if (target.length === 0) throw new PostgrestError(400, 'PGRST100', '"failed to parse on_conflict"', `table ${table.name} has no primary key: give on_conflict=<columns>`);
      statement += ` on conflict${targetSql} do update set ${columns.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}`;
    }
  }
  return respond(deps, req, claims, prefs, true, (tx) => runWrite(tx, statement, p, select, table, prefs));
}

/** Supabase loads pg-safeupdate for API requests: UPDATE/DELETE without a filter is refused. */
function requireFilters(filters: Filter[], verb: 'UPDATE' | 'DELETE'): void {
  if (filters.length === 0) throw new PostgrestError(400, '21000', `${verb} requires a WHERE clause`, null, 'add a filter, e.g. ?id=eq.<id>');
}

/** PATCH /rest/v1/<table>?filters: update the filtered rows with the body's columns. */
export async function updateRows(deps: Deps, req: IncomingMessage, tableName: string, params: URLSearchParams, bodyText: string, claims: JwtClaims): Promise<RestResponse> {
  checkProfile(req);
  const prefs = parsePrefer(req);
  const select = parseSelect(params.get('select'));
  const filters = parseFilters(params);
  const payload = parseJson(bodyText);
  if (!isRow(payload)) throw invalidBody('The JSON body of an update must be one object');
  const columns = Object.keys(payload);
  const table = await resolveTable(deps.cache, tableName, [...columns, ...filterColumns(filters), ...select.map((s) => s.column)]);
  for (const c of columns) if (!table.columns.has(c)) throw missingColumn(table, c);
  requireFilters(filters, 'UPDATE');
  compileSelect(select, table);
  const p = new SqlParams();
  const target = qualifiedName(table);
  const where = compileFilters(filters, table, p);
  if (columns.length === 0) {
    // Nothing to set: answer the matching rows' count without writing, as PostgREST does.
    const statement = `select 1 from ${target} where ${where}`;
    return respond(deps, req, claims, { ...prefs, returnMode: prefs.returnMode === 'representation' ? 'representation' : 'minimal' }, false, async (tx) =>
      prefs.returnMode === 'representation' ? { body: '[]', n: 0 } : { body: '', n: (await tx.query(statement, p.values)).rows.length },
    );
  }
  const colList = columns.map(ident).join(', ');
  const source = `(select ${colList} from json_populate_record(null::${target}, ${p.add(JSON.stringify(payload))}::json) _b)`;
  const statement = `update ${target} set (${colList}) = ${source} where ${where}`;
  return respond(deps, req, claims, prefs, false, (tx) => runWrite(tx, statement, p, select, table, prefs));
}

/** DELETE /rest/v1/<table>?filters */
export async function deleteRows(deps: Deps, req: IncomingMessage, tableName: string, params: URLSearchParams, claims: JwtClaims): Promise<RestResponse> {
  checkProfile(req);
  const prefs = parsePrefer(req);
  const select = parseSelect(params.get('select'));
  const filters = parseFilters(params);
  const table = await resolveTable(deps.cache, tableName, [...filterColumns(filters), ...select.map((s) => s.column)]);
  requireFilters(filters, 'DELETE');
  compileSelect(select, table);
  const p = new SqlParams();
  const statement = `delete from ${qualifiedName(table)} where ${compileFilters(filters, table, p)}`;
  return respond(deps, req, claims, prefs, false, (tx) => runWrite(tx, statement, p, select, table, prefs));
}
