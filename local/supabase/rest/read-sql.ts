import { PostgrestError } from './postgrest-error';
import { fieldOutputName } from './postgrest-field';
import type { ReadParams } from './postgrest-query';
import type { SelectEmbed, SelectField, SelectItem } from './postgrest-select';
import { isToOne, resolveEmbed } from './embed-resolve';
import { fieldSql, filterSql, type NodeScope } from './read-filters';
import type { SchemaCache } from './schema-cache';
import type { Relationship, TableInfo } from './schema-types';
import { ident, type SqlParams } from './sql-params';

/** What a node reads from: a table (or a CTE / function call shaped like it). */
export interface ReadSource {
  table: TableInfo;
  /** SQL of the FROM item, e.g. `"public"."users"`, `pgrst_source`, a function call. */
  from: string;
}

export interface CompileContext {
  cache: SchemaCache;
  p: SqlParams;
  params: ReadParams;
  /** Cast type names as written -> as the catalog spells them. */
  types: Map<string, string>;
  seq: number;
  /** Embed paths that exist, to refuse filters on unknown ones (PGRST108). */
  seenPaths: Set<string>;
}

/** A compiled node: `sql` selects columns `cols` (c1, c2, ...) that answer as JSON keys `keys`. */
export interface CompiledNode {
  sql: string;
  cols: string[];
  keys: string[];
}

interface Column {
  expr: string;
  key: string;
  aggregate: boolean;
}

/** `jsonb_build_object($k1, a.c1, ...)`, chunked under Postgres's 100-argument limit; keys are parameters. */
export function objectSql(p: SqlParams, source: string, cols: string[], keys: string[], fn: 'json' | 'jsonb'): string {
  if (cols.length === 0) return `${fn}_build_object()`;
  const pairs = cols.map((c, i) => `${p.typed(keys[i] ?? '', 'text')}, ${source}.${c}`);
  const chunks: string[] = [];
  for (let i = 0; i < pairs.length; i += 50) chunks.push(`jsonb_build_object(${pairs.slice(i, i + 50).join(', ')})`);
  if (chunks.length === 1 && fn === 'json') return `json_build_object(${pairs.join(', ')})`;
  return chunks.length === 1 ? (chunks[0] ?? '') : `(${chunks.join(' || ')})`;
}

function castSql(ctx: CompileContext, expr: string, cast: string | undefined): string {
  if (cast === undefined) return expr;
  const type = ctx.types.get(cast);
  if (!type) throw new PostgrestError(400, '42704', `type "${cast}" does not exist`);
  return `(${expr})::${type}`;
}

function fieldColumns(ctx: CompileContext, scope: NodeScope, item: SelectField): Column[] {
  const t = scope.table;
  if (item.field.name === '*' && !item.aggregate) return [...t.columns.values()].map((c) => ({ expr: `${scope.alias}.${ident(c.name)}`, key: c.name, aggregate: false }));
  let agg = item.aggregate;
  let field = item.field;
  // `messages(count)`: PostgREST reads a bare `count` as the count() aggregate when no column has that name.
  if (!agg && field.name === 'count' && field.jsonPath.length === 0 && !item.cast && !t.columns.has('count') && !scope.cache.computedField(t, 'count')) {
    agg = 'count';
    field = { name: '', jsonPath: [] };
  }
  if (agg && !scope.cache.settings.aggregatesEnabled) throw new PostgrestError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
  if (agg) {
    const inner = field.name === '' || field.name === '*' ? '*' : castSql(ctx, fieldSql(scope, field), item.cast);
    const expr = castSql(ctx, `${agg}(${inner})`, item.aggregateCast);
    return [{ expr, key: item.alias ?? agg, aggregate: true }];
  }
  return [{ expr: castSql(ctx, fieldSql(scope, field), item.cast), key: item.alias ?? fieldOutputName(field), aggregate: false }];
}

/** The FROM item and join condition that tie a child to its parent row through `rel`. */
function relationJoin(ctx: CompileContext, rel: Relationship, parent: string, child: string, childTable: TableInfo): { from: string; where: string[] } {
  const table = `${ident(childTable.schema)}.${ident(childTable.name)}`;
  if (rel.kind === 'computed') return { from: `${ident(rel.function.schema)}.${ident(rel.function.name)}(${parent}) as ${child}`, where: [] };
  if (rel.cardinality === 'many-to-many' && rel.junction) {
    const j = rel.junction;
    const ja = `t${ctx.seq++}`;
    return {
      from: `${table} as ${child} join ${ident(j.table.schema)}.${ident(j.table.name)} as ${ja} on ${j.targetColumns.map(([jc, tc]) => `${ja}.${ident(jc)} = ${child}.${ident(tc)}`).join(' and ')}`,
      where: j.sourceColumns.map(([jc, oc]) => `${ja}.${ident(jc)} = ${parent}.${ident(oc)}`),
    };
  }
  return { from: `${table} as ${child}`, where: rel.columns.map(([pc, cc]) => `${child}.${ident(cc)} = ${parent}.${ident(pc)}`) };
}

interface EmbedOut {
  join: string;
  columns: Column[];
  name: string;
  nullTest: (isNull: boolean) => string;
  innerTest?: string;
}

function embedSql(ctx: CompileContext, scope: NodeScope, item: SelectEmbed, path: string[], depth: number): EmbedOut {
  const rel = resolveEmbed(ctx.cache, scope.table, item.name, item.hint);
  const childTable = ctx.cache.tableNow(rel.foreignTable);
  if (!childTable) throw new PostgrestError(400, 'PGRST200', `Could not find a relationship between '${scope.table.name}' and '${item.name}' in the schema cache`);
  const name = item.alias ?? item.name;
  const childPath = [...path, name];
  const toOne = isToOne(rel);
  const child = compileNode(ctx, { table: childTable, from: '' }, item.children, childPath, depth + 1, (alias) => relationJoin(ctx, rel, scope.alias, alias, childTable), toOne);
  const la = `t${ctx.seq++}`;
  const inner = item.joinType === 'inner';
  if (toOne) {
    const columns = item.spread
      ? child.cols.map((c, i) => ({ expr: `${la}.${c}`, key: child.keys[i] ?? c, aggregate: false }))
      : item.children.length === 0
        ? []
        : [{ expr: `case when ${la}._f then ${objectSql(ctx.p, la, child.cols, child.keys, 'jsonb')} end`, key: name, aggregate: false }];
    return { join: `${inner ? 'inner' : 'left'} join lateral (${child.sql}) as ${la} on true`, columns, name, nullTest: (n) => `${la}._f is ${n ? '' : 'not '}null` };
  }
  if (item.spread) {
    const aggs = child.cols.map((c) => `coalesce(jsonb_agg(_e.${c}), '[]'::jsonb) as ${c}`);
    return {
      join: `left join lateral (select ${[...aggs, 'count(*) as _n'].join(', ')} from (${child.sql}) _e) as ${la} on true`,
      columns: child.cols.map((c, i) => ({ expr: `${la}.${c}`, key: child.keys[i] ?? c, aggregate: false })),
      name,
      nullTest: (n) => `${la}._n ${n ? '=' : '>'} 0`,
      innerTest: inner ? `${la}._n > 0` : undefined,
    };
  }
  return {
    join: `left join lateral (select jsonb_agg(${objectSql(ctx.p, '_e', child.cols, child.keys, 'jsonb')}) as v from (${child.sql}) _e) as ${la} on true`,
    columns: item.children.length === 0 ? [] : [{ expr: `coalesce(${la}.v, '[]'::jsonb)`, key: name, aggregate: false }],
    name,
    nullTest: (n) => `${la}.v is ${n ? '' : 'not '}null`,
    innerTest: inner ? `${la}.v is not null` : undefined,
  };
}

const samePath = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Compiles one level of a read (the request's table, or an embedded resource) to a SELECT whose
 * columns are c1..cn. `join` ties an embedded child to its parent row; `marker` adds `_f` (true on
 * every row) so a to-one parent can tell "no row" from "a row of nulls".
 */
export function compileNode(
  ctx: CompileContext,
  source: ReadSource,
  select: SelectItem[],
  path: string[],
  depth: number,
  join?: (alias: string) => { from: string; where: string[] },
  marker = false,
  range?: { limit?: number; offset?: number },
): CompiledNode {
  ctx.seenPaths.add(path.join('\u0000'));
  const alias = `t${ctx.seq++}`;
  const linked = join?.(alias);
  const from = linked?.from ?? `${source.from} as ${alias}`;
  const where = [...(linked?.where ?? [])];
  const scope: NodeScope = { alias, display: depth === 0 ? source.table.name : `${source.table.name}_${depth}`, table: source.table, cache: ctx.cache, p: ctx.p };
  const columns: Column[] = [];
  const joins: string[] = [];
  const embeds = new Map<string, EmbedOut>();
  for (const item of select) {
    if (item.type === 'field') columns.push(...fieldColumns(ctx, scope, item));
    else {
      // Two embeds answering under one name collide in PostgREST's SQL; it answers Postgres's error.
      if (embeds.has(item.alias ?? item.name)) throw new PostgrestError(400, '42712', `table name "${source.table.name}_${item.alias ?? item.name}_${depth + 1}" specified more than once`);
      const e = embedSql(ctx, scope, item, path, depth);
      joins.push(e.join);
      columns.push(...e.columns);
      embeds.set(e.name, e);
      if (e.innerTest) where.push(e.innerTest);
    }
  }
  scope.embedNullTest = (name, isNull) => embeds.get(name)?.nullTest(isNull);
  for (const f of ctx.params.filters) if (samePath(f.path, path)) where.push(filterSql(scope, f.filter));
  const order: string[] = [];
  for (const o of ctx.params.orders) {
    if (!samePath(o.path, path)) continue;
    for (const t of o.terms) {
      let expr: string;
      if (t.relation !== undefined) {
        const e = embeds.get(t.relation);
        const col = e?.columns.find((c) => c.key === t.field.name);
        if (!col) throw new PostgrestError(400, 'PGRST118', `A related order on '${t.relation}' is not possible`, `'${source.table.name}' and '${t.relation}' do not form a many-to-one or one-to-one relationship, or '${t.field.name}' is not selected from it`);
        expr = col.expr;
      } else expr = fieldSql(scope, t.field);
      order.push(`${expr}${t.direction ? ` ${t.direction}` : ''}${t.nulls ? ` nulls ${t.nulls}` : ''}`);
    }
  }
  const r = range ?? ctx.params.ranges.find((x) => samePath(x.path, path));
  const cols = columns.map((_, i) => `c${i + 1}`);
  const selectList = columns.map((c, i) => `${c.expr} as ${cols[i]}`);
  if (marker) selectList.push('true as _f');
  const grouped = columns.some((c) => c.aggregate);
  const groupBy = grouped ? columns.flatMap((c, i) => (c.aggregate ? [] : [String(i + 1)])) : [];
  const sql =
    `select ${selectList.join(', ')} from ${from}${joins.length ? ` ${joins.join(' ')}` : ''}` +
    (where.length ? ` where ${where.join(' and ')}` : '') +
    (groupBy.length ? ` group by ${groupBy.join(', ')}` : '') +
    (order.length ? ` order by ${order.join(', ')}` : '') +
    (r?.limit !== undefined ? ` limit ${ctx.p.typed(r.limit, 'bigint')}` : '') +
    (r?.offset ? ` offset ${ctx.p.typed(r.offset, 'bigint')}` : '');
  return { sql, cols, keys: columns.map((c) => c.key) };
}

/** Every `::type` a select names, so they can be looked up before the query is built. */
export function castsIn(items: SelectItem[]): string[] {
  return items.flatMap((i) => (i.type === 'embed' ? castsIn(i.children) : [i.cast, i.aggregateCast].filter((x): x is string => x !== undefined)));
}

/** Refuses filters/order/limit addressed to an embed that is not in `select` (PGRST108). */
export function checkPaths(ctx: CompileContext): void {
  const all = [...ctx.params.filters.map((f) => f.path), ...ctx.params.orders.map((o) => o.path), ...ctx.params.ranges.map((r) => r.path)];
  for (const path of all) {
    if (ctx.seenPaths.has(path.join('\u0000'))) continue;
    const name = path[path.length - 1] ?? '';
    throw new PostgrestError(400, 'PGRST108', `'${name}' is not an embedded resource in this request`, null, `Verify that '${name}' is included in the 'select' query parameter.`);
  }
}
