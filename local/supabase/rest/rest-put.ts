import type { IncomingMessage } from 'node:http';
import type { Database, JwtClaims } from '../database/database';
import { PostgrestError, invalidBody } from './postgrest-error';
import { parsePrefer } from './postgrest-prefer';
import { parseReadParams } from './postgrest-query';
import { negotiate, requestSchema } from './rest-negotiation';
import type { RestResponse } from './rest-response';
import { qualifiedName, resolveTable } from './rest-table';
import { isRow, parseJson, runWrite } from './rest-write';
import type { SchemaCache } from './schema-cache';
import { SqlParams, ident } from './sql-params';

/**
 * PUT /rest/v1/<table>?<pk>=eq.<v>: PostgREST's single-row upsert. The filters must be exactly the
 * primary key with `eq` (PGRST105), no limit/offset (PGRST114), and the body must carry the same
 * key values (PGRST115); the row is inserted or entirely replaced.
 */
export async function putRow(deps: { db: Database; cache: SchemaCache }, req: IncomingMessage, tableName: string, query: URLSearchParams, bodyText: string, claims: JwtClaims): Promise<RestResponse> {
  const schema = requestSchema(req, deps.cache);
  const prefs = parsePrefer(req);
  const format = negotiate(req, deps.cache);
  const params = parseReadParams(query);
  const table = await resolveTable(deps.cache, schema, tableName);
  if (params.ranges.length > 0) throw new PostgrestError(400, 'PGRST114', 'limit/offset querystring parameters are not allowed for PUT');
  const pkFilters = new Map<string, string>();
  for (const { path, filter } of params.filters) {
    if (path.length === 0 && filter.kind === 'cond' && !filter.negate && filter.field.jsonPath.length === 0 && filter.operation.op === 'simple' && filter.operation.operator === 'eq' && !filter.operation.quantifier) {
      pkFilters.set(filter.field.name, filter.operation.value);
    } else pkFilters.set('\u0000', '');
  }
  const pk = table.primaryKey;
  if (pk.length === 0 || pkFilters.size !== pk.length || !pk.every((c) => pkFilters.has(c))) {
    throw new PostgrestError(405, 'PGRST105', "Filters must include all and only primary key columns with 'eq' operators");
  }
  const payload = parseJson(bodyText);
  const row = Array.isArray(payload) && payload.length === 1 ? payload[0] : payload;
  if (!isRow(row)) throw invalidBody('PUT takes one JSON object');
  if (!pk.every((c) => c in row && String(row[c]) === pkFilters.get(c))) throw new PostgrestError(400, 'PGRST115', 'Payload values do not match URL in primary key column(s)');
  const columns = Object.keys(row);
  for (const c of columns) if (!table.columns.has(c)) throw new PostgrestError(400, 'PGRST204', `Could not find the '${c}' column of '${table.name}' in the schema cache`);
  const p = new SqlParams();
  const into = qualifiedName(table);
  const colList = columns.map(ident).join(', ');
  const others = columns.filter((c) => !pk.includes(c));
  const statement =
    `insert into ${into} (${colList}) select ${colList} from json_populate_record(null::${into}, ${p.typed(JSON.stringify(row), 'json')}) _ ` +
    `on conflict (${pk.map(ident).join(', ')}) do ${others.length ? `update set ${others.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}` : 'nothing'}`;
  return runWrite(deps, req, claims, prefs, format, { table, statement, p, params: { ...params, filters: [], orders: [], ranges: [] }, kind: 'put' });
}
