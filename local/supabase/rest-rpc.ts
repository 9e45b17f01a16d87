import type { IncomingMessage } from 'node:http';
import type { Database, JwtClaims } from './database';
import { PostgrestError, invalidBody } from './postgrest-error';
import { checkProfile, parseRange, wantsSingleObject } from './postgrest-modifiers';
import { OBJECT_CONTENT_TYPE, contentRange, firstOf, notOneRow, type RestResponse } from './rest-response';
import type { FunctionInfo, SchemaCache } from './schema-cache';
import { SqlParams, ident } from './sql-params';

/** A JSON argument as the text Postgres parses for the parameter's type. */
function argText(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && type.endsWith('[]')) {
    const items = value.map((v) => (v === null ? 'NULL' : `"${String(typeof v === 'object' ? JSON.stringify(v) : v).replace(/(["\\])/g, '\\$1')}"`));
    return `{${items.join(',')}}`;
  }
  return JSON.stringify(value);
}

function pickOverload(fns: FunctionInfo[], given: string[]): FunctionInfo | undefined {
  return fns.find((f) => given.every((g) => f.args.some((a) => a.name === g)) && f.args.every((a) => a.hasDefault || given.includes(a.name)));
}

/**
 * POST (JSON named arguments) or GET/HEAD (query parameters) /rest/v1/rpc/<fn>. Scalars answer as a
 * bare JSON value, sets and rows as JSON arrays.
 */
export async function callFunction(
  deps: { db: Database; cache: SchemaCache },
  req: IncomingMessage,
  fnName: string,
  params: URLSearchParams,
  bodyText: string | undefined,
  claims: JwtClaims,
): Promise<RestResponse> {
  checkProfile(req);
  const fns = await deps.cache.functionsNamed(fnName);
  let args: Record<string, unknown> = {};
  if (bodyText !== undefined) {
    if (bodyText.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bodyText);
      } catch (err) {
        throw invalidBody(`Empty or invalid json: ${(err as Error).message}`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidBody('The JSON body of an rpc call must be an object of named arguments');
      args = parsed as Record<string, unknown>;
    }
  } else {
    const argNames = new Set(fns.flatMap((f) => f.args.map((a) => a.name)));
    for (const [k, v] of params) if (argNames.has(k)) args[k] = v;
  }
  const given = Object.keys(args);
  const fn = pickOverload(fns, given);
  if (!fn) {
    throw new PostgrestError(
      404,
      'PGRST202',
      `Could not find the function public.${fnName}(${given.join(', ')}) in the schema cache`,
      `Searched for the function public.${fnName} with parameters ${given.length ? given.join(', ') : '(none)'}`,
      fns.length ? `Perhaps you meant to call public.${fnName}(${fns[0]?.args.map((a) => a.name).join(', ')})` : null,
    );
  }
  const p = new SqlParams();
  const call = `"public".${ident(fn.name)}(${fn.args
    .filter((a) => a.name in args)
    .map((a) => `${ident(a.name)} => ${p.typed(argText(args[a.name], a.type), a.type)}`)
    .join(', ')})`;
  const single = wantsSingleObject(req);

  let sql: string;
  let rowsResult = false;
  if (fn.returnsVoid) sql = `select ${call}, 'null'::text as body, 1 as n`;
  else if (fn.returnsSet) {
    // Row sets take limit/offset (or Range); filters and order on rpc results are not supported here.
    const range = parseRange(params, req);
    const limit = range.limit !== undefined ? ` limit ${p.typed(range.limit, 'bigint')}` : '';
    const offset = range.offset > 0 ? ` offset ${p.typed(range.offset, 'bigint')}` : '';
    const item = fn.returnsComposite ? '_r' : '_r._v';
    sql = `select coalesce(json_agg(${item}), '[]')::text as body, count(*)::int as n from (select * from ${call} _v${limit}${offset}) _r`;
    rowsResult = true;
  } else sql = `select to_json(${call})::text as body, 1 as n`;

  const { body, n } = await deps.db.asRole(claims, async (tx) => {
    const r = await tx.query<{ body: string | null; n: number }>(sql, p.values);
    const row = r.rows[0];
    const out = { body: row?.body ?? 'null', n: row?.n ?? 0 };
    if (single && rowsResult && out.n !== 1) throw notOneRow(out.n);
    return out;
  });
  if (fn.returnsVoid) return { status: 204, body: '', headers: {} };
  return {
    status: 200,
    body: single && rowsResult ? firstOf(body) : body,
    headers: rowsResult ? { 'Content-Range': contentRange(0, n, undefined) } : {},
    contentType: single && rowsResult ? OBJECT_CONTENT_TYPE : undefined,
  };
}
