import type { IncomingMessage } from 'node:http';
import type { Database, JwtClaims } from '../database/database';
import { headerValue } from '../http-io';
import { PostgrestError } from './postgrest-error';
import { appliedHeader, parsePrefer } from './postgrest-prefer';
import { parseReadParams, type ReadParams } from './postgrest-query';
import { castsIn, checkPaths, compileNode, type CompileContext, type CompiledNode, type ReadSource } from './read-sql';
import { runRead } from './read-statement';
import { negotiate, requestSchema } from './rest-negotiation';
import { checkSingle, contentRange, outputBody } from './rest-output';
import type { RestResponse } from './rest-response';
import { qualifiedName, resolveTable } from './rest-table';
import type { SchemaCache } from './schema-cache';
import { SqlParams } from './sql-params';

export interface RowRange {
  offset: number;
  limit?: number;
}

/** Top-level `limit`/`offset`, else a `Range: from-to` header, capped by max rows. */
export function topRange(params: ReadParams, req: IncomingMessage, maxRows: number | undefined): RowRange {
  const q = params.ranges.find((r) => r.path.length === 0);
  let range: RowRange = { offset: q?.offset ?? 0, limit: q?.limit };
  const header = headerValue(req, 'range');
  if (!q && header && req.method !== 'POST') {
    const m = /^(?:items=)?\s*(\d+)-(\d*)\s*$/.exec(header);
    if (m) {
      const from = Number(m[1]);
      const to = m[2] ? Number(m[2]) : undefined;
      if (to !== undefined && to < from) throw new PostgrestError(416, 'PGRST103', 'Requested range not satisfiable', 'The lower boundary must be lower than or equal to the upper boundary in the Range header.');
      range = { offset: from, limit: to === undefined ? undefined : to - from + 1 };
    }
  }
  if (maxRows !== undefined) range.limit = Math.min(range.limit ?? maxRows, maxRows);
  return range;
}

/** Looks up every cast type of the select before any SQL is built (unknown ones stay absent). */
export async function resolveCasts(cache: SchemaCache, params: ReadParams): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  for (const name of new Set(castsIn(params.select))) {
    const t = await cache.resolveType(name);
    if (t) types.set(name, t);
  }
  return types;
}

export function newContext(cache: SchemaCache, params: ReadParams, types: Map<string, string>, p = new SqlParams()): CompileContext {
  return { cache, p, params, types, seq: 0, seenPaths: new Set() };
}

/** Compiles the read of `source` with and without its range (the latter for counting). */
export function compileRead(ctx: CompileContext, source: ReadSource, range: RowRange, withCount: boolean): { node: CompiledNode; countSql?: string } {
  const countSql = withCount ? compileNode({ ...ctx, seenPaths: new Set() }, source, ctx.params.select, [], 0, undefined, false, {}).sql : undefined;
  const node = compileNode(ctx, source, ctx.params.select, [], 0, undefined, false, range);
  checkPaths(ctx);
  return { node, countSql };
}

/** GET/HEAD /rest/v1/<table>: select with embeds, filters, order, ranges, counts, in the negotiated format. */
export async function readRows(deps: { db: Database; cache: SchemaCache }, req: IncomingMessage, tableName: string, query: URLSearchParams, claims: JwtClaims): Promise<RestResponse> {
  const schema = requestSchema(req, deps.cache);
  const format = negotiate(req, deps.cache);
  const prefs = parsePrefer(req);
  const params = parseReadParams(query);
  const table = await resolveTable(deps.cache, schema, tableName);
  const types = await resolveCasts(deps.cache, params);
  const maxRows = deps.cache.settings.maxRows;
  const range = topRange(params, req, maxRows);
  const ctx = newContext(deps.cache, params, types);
  const source = { table, from: qualifiedName(table) };
  const { node, countSql } = compileRead(ctx, source, range, prefs.count !== undefined);
  const planned = () => {
    const c2 = newContext(deps.cache, params, types);
    return { sql: compileNode(c2, source, params.select, [], 0, undefined, false, {}).sql, values: c2.p.values };
  };
  const result = await deps.db.asRole(claims, async (tx) => {
    const r = await runRead(tx, ctx.p, node, format, prefs, { countSql, maxRows, planned });
    checkSingle(format, r.n);
    return r;
  });
  const total = result.total;
  if (total !== undefined && range.offset > 0 && range.offset >= total && result.n === 0 && total > 0) {
    throw new PostgrestError(416, 'PGRST103', 'Requested range not satisfiable', `An offset of ${range.offset} was requested, but there are only ${total} rows.`, null, { 'Content-Range': `*/${total}` });
  }
  const partial = total !== undefined && (range.offset > 0 || range.offset + result.n < total);
  return {
    status: partial && format.kind !== 'plan' ? 206 : 200,
    ...outputBody(format, result),
    headers: { 'Content-Range': contentRange(range.offset, result.n, total), ...appliedHeader(prefs, [prefs.count ? `count=${prefs.count}` : undefined]) },
  };
}
