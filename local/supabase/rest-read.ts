import type { IncomingMessage } from 'node:http';
import type { JwtClaims, Database } from './database';
import { compileFilters, filterColumns, parseFilters } from './postgrest-filter';
import { checkProfile, compileOrder, compileSelect, parseOrder, parsePrefer, parseRange, parseSelect, wantsSingleObject } from './postgrest-modifiers';
import { OBJECT_CONTENT_TYPE, contentRange, firstOf, notOneRow, type RestResponse } from './rest-response';
import { qualifiedName, resolveTable } from './rest-table';
import type { SchemaCache } from './schema-cache';
import { SqlParams } from './sql-params';

/** GET/HEAD /rest/v1/<table>: select, filters, order, limit/offset or Range, count=exact, single. */
export async function readRows(
  deps: { db: Database; cache: SchemaCache },
  req: IncomingMessage,
  tableName: string,
  params: URLSearchParams,
  claims: JwtClaims,
): Promise<RestResponse> {
  checkProfile(req);
  const select = parseSelect(params.get('select'));
  const filters = parseFilters(params);
  const order = parseOrder(params.get('order'));
  const range = parseRange(params, req);
  const prefs = parsePrefer(req);
  const single = wantsSingleObject(req);
  const table = await resolveTable(deps.cache, tableName, [...select.map((s) => s.column), ...filterColumns(filters), ...order.map((o) => o.column)]);

  const from = qualifiedName(table);
  const p = new SqlParams();
  const cols = compileSelect(select, table);
  const where = filters.length > 0 ? ` where ${compileFilters(filters, table, p)}` : '';
  const orderBy = order.length > 0 ? ` order by ${compileOrder(order, table)}` : '';
  const limit = range.limit !== undefined ? ` limit ${p.typed(range.limit, 'bigint')}` : '';
  const offset = range.offset > 0 ? ` offset ${p.typed(range.offset, 'bigint')}` : '';
  const sql =
    `select coalesce(json_agg(_r), '[]')::text as body, count(*)::int as n ` +
    `from (select ${cols} from ${from}${where}${orderBy}${limit}${offset}) _r`;
  const countParams = new SqlParams();
  const countSql = prefs.count
    ? `select count(*)::int as n from ${from}${filters.length > 0 ? ` where ${compileFilters(filters, table, countParams)}` : ''}`
    : undefined;

  const { body, n, total } = await deps.db.asRole(claims, async (tx) => {
    const rows = await tx.query<{ body: string; n: number }>(sql, p.values);
    const first = rows.rows[0] ?? { body: '[]', n: 0 };
    const counted = countSql ? (await tx.query<{ n: number }>(countSql, countParams.values)).rows[0]?.n : undefined;
    return { body: first.body, n: first.n, total: counted };
  });

  if (single && n !== 1) throw notOneRow(n);
  const partial = total !== undefined && n > 0 && (range.offset > 0 || range.offset + n < total);
  return {
    status: partial ? 206 : 200,
    body: single ? firstOf(body) : body,
    headers: { 'Content-Range': contentRange(range.offset, n, total), ...(prefs.applied.length ? { 'Preference-Applied': prefs.applied.join(', ') } : {}) },
    contentType: single ? OBJECT_CONTENT_TYPE : undefined,
  };
}
