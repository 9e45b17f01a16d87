import { unknownColumn } from './postgrest-error';
import type { FieldRef } from './postgrest-field';
import type { Condition, Filter, Operation } from './postgrest-filter-parse';
import type { SchemaCache } from './schema-cache';
import type { TableInfo } from './schema-types';
import { ident, type SqlParams } from './sql-params';

/** Where a node's columns live: its SQL alias, its table, and the alias PostgREST would show in errors. */
export interface NodeScope {
  alias: string;
  display: string;
  table: TableInfo;
  cache: SchemaCache;
  p: SqlParams;
  /** Null tests on embedded resources (`messages=is.null`), by the embed's output name. */
  embedNullTest?: (name: string, isNull: boolean) => string | undefined;
}

const SIMPLE_SQL: Record<string, string> = {
  eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'like', ilike: 'ilike', match: '~', imatch: '~*',
  cs: '@>', cd: '<@', ov: '&&', sl: '<<', sr: '>>', nxr: '&<', nxl: '&>', adj: '-|-',
};
const FTS_SQL = { fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery' } as const;

/** A column or computed field of the node, with its JSON path: every identifier from the catalog, keys as parameters. */
export function fieldSql(s: NodeScope, f: FieldRef): string {
  let sql: string;
  const column = s.table.columns.get(f.name);
  if (column) sql = `${s.alias}.${ident(column.name)}`;
  else {
    const fn = s.cache.computedField(s.table, f.name);
    if (!fn) throw unknownColumn(s.display, f.name);
    sql = `${ident(fn.schema)}.${ident(fn.name)}(${s.alias})`;
  }
  for (const step of f.jsonPath) sql = `${sql}${step.arrow}${step.index ? s.p.typed(Number(step.key), 'int') : s.p.typed(step.key, 'text')}`;
  return sql;
}

/** `{a,"b,c"}`: a Postgres array literal, every element quoted. */
export function arrayLiteral(items: string[]): string {
  return `{${items.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}

function operationSql(s: NodeScope, lhs: string, o: Operation): string {
  switch (o.op) {
    case 'in':
      return o.list.length === 0 || (o.list.length === 1 && o.list[0] === '') ? `${lhs} = any('{}')` : `${lhs} = any(${s.p.add(arrayLiteral(o.list))})`;
    case 'is':
      return `${lhs} is ${o.value === 'not_null' ? 'not null' : o.value}`;
    case 'isdistinct':
      return `${lhs} is distinct from ${s.p.add(o.value)}`;
    case 'fts':
      return `${lhs} @@ ${FTS_SQL[o.operator]}(${o.language !== undefined ? `${s.p.typed(o.language, 'regconfig')}, ` : ''}${s.p.typed(o.value, 'text')})`;
    case 'simple': {
      const star = o.operator === 'like' || o.operator === 'ilike';
      const value = star ? o.value.replace(/\*/g, '%') : o.value;
      const op = SIMPLE_SQL[o.operator] ?? '=';
      return o.quantifier ? `${lhs} ${op} ${o.quantifier}(${s.p.add(value)})` : `${lhs} ${op} ${s.p.add(value)}`;
    }
  }
}

function conditionSql(s: NodeScope, c: Condition): string {
  if (c.field.jsonPath.length === 0 && c.operation.op === 'is' && (c.operation.value === 'null' || c.operation.value === 'not_null') && !s.table.columns.has(c.field.name)) {
    const isNull = (c.operation.value === 'null') !== c.negate;
    const test = s.embedNullTest?.(c.field.name, isNull);
    if (test) return test;
  }
  const sql = operationSql(s, fieldSql(s, c.field), c.operation);
  return c.negate ? `not (${sql})` : sql;
}

export function filterSql(s: NodeScope, f: Filter): string {
  if (f.kind === 'cond') return conditionSql(s, f);
  const inner = f.children.map((c) => filterSql(s, c)).join(` ${f.op} `);
  return f.negate ? `not (${inner})` : `(${inner})`;
}
