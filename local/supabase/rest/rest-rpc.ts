import type { IncomingMessage } from 'node:http';
import type { Database, JwtClaims } from '../database/database';
import { headerValue } from '../http-io';
import { PostgrestError, invalidBody } from './postgrest-error';
import { appliedHeader, checkMaxAffected, parsePrefer } from './postgrest-prefer';
import { parseReadParams } from './postgrest-query';
import { runRead } from './read-statement';
import { compileRead, newContext, resolveCasts, topRange } from './rest-read';
import { negotiate, requestSchema, CONTENT_TYPES } from './rest-negotiation';
import { checkSingle, contentRange, firstOf, outputBody } from './rest-output';
import type { RestResponse } from './rest-response';
import { rollsBack } from './rest-write';
import { pickFunction, type BodyKind } from './rpc-resolve';
import type { SchemaCache } from './schema-cache';
import type { FunctionInfo, TableInfo } from './schema-types';
import { SqlParams, ident } from './sql-params';

class RollbackWith extends Error {
  constructor(readonly response: RestResponse) {
    super('rollback requested');
  }
}

function bodyKind(req: IncomingMessage): BodyKind {
  const type = (headerValue(req, 'content-type') ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (type === 'text/plain') return 'text';
  if (type === 'text/xml') return 'xml';
  if (type === 'application/octet-stream') return 'bytea';
  return 'json';
}

/** The rows a function returns, shaped like a table so select, filters, order and embedding apply. */
function resultTable(cache: SchemaCache, fn: FunctionInfo): TableInfo | undefined {
  if (fn.returnTable) return cache.tableNow(fn.returnTable);
  if (fn.outColumns.length === 0) return undefined;
  return {
    schema: fn.schema,
    name: fn.name,
    columns: new Map(fn.outColumns.map((c) => [c.name, { name: c.name, type: c.type, nullable: true, hasDefault: false }])),
    primaryKey: [],
    isView: false,
  };
}

/**
 * POST (JSON named arguments, or one unnamed json/text/xml/bytea body) or GET/HEAD (query
 * arguments) /rest/v1/rpc/<fn>, as PostgREST: overloads resolved by argument names, every argument
 * passed through one JSON parameter read with the function's own argument types, and the result
 * read like a table (select, filters, order, limit, embedding) when it is rows.
 */
export async function callFunction(deps: { db: Database; cache: SchemaCache }, req: IncomingMessage, fnName: string, query: URLSearchParams, bodyText: string | undefined, claims: JwtClaims): Promise<RestResponse> {
  const schema = requestSchema(req, deps.cache);
  const format = negotiate(req, deps.cache);
  const prefs = parsePrefer(req);
  const post = bodyText !== undefined;
  const kind: BodyKind = post ? bodyKind(req) : 'json';
  const fns = await deps.cache.functionsNamed(schema, fnName);
  let args: Record<string, unknown> = {};
  let raw: unknown;
  const argNames = new Set(fns.flatMap((f) => f.args.map((a) => a.name).filter(Boolean)));
  if (post) {
    if (kind === 'json' && bodyText.trim() !== '') {
      try {
        raw = JSON.parse(bodyText);
      } catch (err) {
        throw invalidBody(`Empty or invalid json: ${(err as Error).message}`);
      }
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) args = raw as Record<string, unknown>;
    } else if (kind !== 'json') raw = bodyText;
  } else {
    for (const k of new Set(query.keys())) {
      if (!argNames.has(k)) continue;
      const vs = query.getAll(k);
      args[k] = vs.length > 1 || fns.some((f) => f.args.some((a) => a.name === k && a.variadic)) ? vs : vs[0];
    }
  }
  const keys = new Set(Object.keys(args));
  const fn = pickFunction(schema, fnName, fns, keys, post, kind, deps.cache.functionNames(schema));
  if (prefs.strict && prefs.maxAffected !== undefined && !fn.returnsSet) {
    throw new PostgrestError(400, 'PGRST128', 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict');
  }
  const unnamed = fn.args.length === 1 && fn.args[0]?.name === '' ? fn.args[0] : undefined;
  const p = new SqlParams();
  const callee = `${ident(fn.schema)}.${ident(fn.name)}`;
  let call: string;
  let from = '';
  if (unnamed) {
    call = `${callee}(${p.typed(kind === 'json' ? (bodyText ?? '') : raw, unnamed.type)})`;
  } else {
    const given = fn.args.filter((a) => keys.has(a.name));
    if (given.length > 0) {
      from = ` from json_to_record(${p.typed(JSON.stringify(args), 'json')}) as pgrst_body(${given.map((a) => `${ident(a.name)} ${a.type}`).join(', ')})`;
    }
    call = `${callee}(${given.map((a) => `${a.variadic ? 'variadic ' : ''}${ident(a.name)} := pgrst_body.${ident(a.name)}`).join(', ')})`;
  }
  const readQuery = new URLSearchParams([...query].filter(([k]) => post || !argNames.has(k)));
  const params = parseReadParams(readQuery);
  const table = fn.returnsComposite ? resultTable(deps.cache, fn) : undefined;
  const rollback = rollsBack(deps.cache, prefs);
  const types = table ? await resolveCasts(deps.cache, params) : new Map<string, string>();
  const ctx = newContext(deps.cache, params, types, p);
  const range = topRange(params, req, fn.returnsSet ? deps.cache.settings.maxRows : undefined);
  const compiled = table ? compileRead(ctx, { table, from: 'pgrst_source' }, range, prefs.count !== undefined) : undefined;
  const applied = appliedHeader(prefs, [prefs.count && compiled ? `count=${prefs.count}` : undefined, rollback && prefs.tx ? 'tx=rollback' : undefined]);
  const run = () => deps.db.asRole(claims, async (tx): Promise<RestResponse> => {
    let response: RestResponse;
    if (fn.returnsVoid) {
      await tx.query(`select ${call}${from}`, p.values);
      response = { status: 204, body: '', headers: applied };
    } else if (!compiled) {
      // A scalar (or set of scalars): a bare JSON value, or an array of them.
      const sql = fn.returnsSet
        ? `select coalesce(json_agg(pgrst_call.pgrst_scalar), '[]')::text as body, count(*)::int as n from (select ${call} as pgrst_scalar${from}) pgrst_call`
        : `select to_json(${call})::text as body, 1 as n${from}`;
      const row = (await tx.query<{ body: string | null; n: number }>(sql, p.values)).rows[0];
      const n = row?.n ?? 0;
      checkMaxAffected(prefs, n);
      response = { status: 200, body: row?.body ?? 'null', headers: { 'Content-Range': contentRange(0, n, prefs.count ? n : undefined), ...applied }, contentType: CONTENT_TYPES.json };
    } else {
      const withClause = `with pgrst_source as (select pgrst_call.*${from ? from + ',' : ' from'} lateral ${call} pgrst_call) `;
      const r = await runRead(tx, ctx.p, compiled.node, format, prefs, { countSql: compiled.countSql, withClause });
      if (fn.returnsSet) checkSingle(format, r.n);
      checkMaxAffected(prefs, r.n);
      const out = fn.returnsSet || format.kind !== 'json' ? outputBody(format, r) : { body: firstOf(r.body), contentType: format.single ? CONTENT_TYPES.object : CONTENT_TYPES.json };
      response = { status: 200, ...out, headers: { 'Content-Range': contentRange(range.offset, r.n, r.total), ...applied } };
    }
    if (rollback) throw new RollbackWith(response);
    return response;
  });
  try {
    return await run();
  } catch (err) {
    if (err instanceof RollbackWith) return err.response;
    throw err;
  }
}
