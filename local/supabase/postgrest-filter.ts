import { parseError, unknownColumn } from './postgrest-error';
import type { TableInfo } from './schema-cache';
import { ident, type SqlParams } from './sql-params';

/** One node of a PostgREST filter: `col=not.eq.5`, or a logic tree `or=(a.eq.1,and(b.gt.2,c.lt.3))`. */
export type Filter =
  | { kind: 'cond'; column: string; op: string; negate: boolean; value: string; list?: string[] }
  | { kind: 'logic'; op: 'and' | 'or'; negate: boolean; children: Filter[] };

const COMPARISON: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', cs: '@>', cd: '<@', ov: '&&', isdistinct: 'is distinct from' };
const PATTERN: Record<string, string> = { like: 'like', ilike: 'ilike', match: '~', imatch: '~*' };
const IS_VALUES: Record<string, string> = { null: 'null', not_null: 'not null', true: 'true', false: 'false', unknown: 'unknown' };
const LOGIC_KEY = /^(not\.)?(and|or)$/;

/** Query parameters that are not filters on the main table. */
export const RESERVED_PARAMS = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict']);

/** Reads every filter among the query parameters (everything not reserved, not an rpc argument). */
export function parseFilters(params: URLSearchParams, skip: ReadonlySet<string> = new Set()): Filter[] {
  const filters: Filter[] = [];
  for (const [key, value] of params) {
    if (RESERVED_PARAMS.has(key) || skip.has(key)) continue;
    const logic = LOGIC_KEY.exec(key);
    if (logic) {
      if (!value.startsWith('(') || !value.endsWith(')')) throw parseError(`logic tree (${value})`, `expected "(" ... ")" after ${key}=, received "${value}"`);
      filters.push({ kind: 'logic', op: logic[2] as 'and' | 'or', negate: logic[1] !== undefined, children: parseLogicItems(value.slice(1, -1), value) });
      continue;
    }
    filters.push(parseCondition(key, value, false));
  }
  return filters;
}

/** `[not.]op.value` for one column. Inside logic trees a whole-value `"..."` is unquoted. */
function parseCondition(column: string, expr: string, inLogic: boolean): Filter {
  let rest = expr;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  if (dot < 0) throw parseError(`filter (${expr})`, `expected "operator.value" for column "${column}", received "${expr}"`);
  const op = rest.slice(0, dot);
  let value = rest.slice(dot + 1);
  if (op === 'in') return { kind: 'cond', column, op, negate, value, list: parseInList(value, expr) };
  if (!(op in COMPARISON) && !(op in PATTERN) && op !== 'is') {
    throw parseError(`filter (${expr})`, `unknown operator "${op}" for column "${column}"; supported: ${[...Object.keys(COMPARISON), ...Object.keys(PATTERN), 'is', 'in'].join(', ')}`);
  }
  if (inLogic && value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = unquote(value.slice(1, -1));
  if (op === 'is' && !(value.toLowerCase() in IS_VALUES)) {
    throw parseError(`filter (${expr})`, `"is" takes null, not_null, true, false or unknown, received "${value}"`);
  }
  return { kind: 'cond', column, op, negate, value };
}

/** `(a,"b,c",d)`: comma-separated, double quotes protect reserved characters, backslash escapes. */
function parseInList(value: string, expr: string): string[] {
  if (!value.startsWith('(') || !value.endsWith(')')) throw parseError(`filter (${expr})`, `"in" takes a list in parentheses, e.g. in.(1,2), received "${value}"`);
  const body = value.slice(1, -1);
  if (body === '') return [];
  return splitTopLevel(body, expr).map((item) => (item.startsWith('"') && item.endsWith('"') && item.length >= 2 ? unquote(item.slice(1, -1)) : item));
}

function unquote(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Splits on commas outside quotes and parentheses. */
function splitTopLevel(s: string, expr: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) throw parseError(`logic tree (${expr})`, `unbalanced ")" at position ${i}`);
    } else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted || depth !== 0) throw parseError(`logic tree (${expr})`, quoted ? 'unterminated double quote' : 'unbalanced "("');
  parts.push(s.slice(start));
  return parts;
}

function parseLogicItems(body: string, expr: string): Filter[] {
  if (body.trim() === '') throw parseError(`logic tree (${expr})`, 'a logic tree needs at least one condition');
  return splitTopLevel(body, expr).map((item) => {
    const nested = /^(not\.)?(and|or)\((.*)\)$/s.exec(item);
    if (nested) return { kind: 'logic', op: nested[2] as 'and' | 'or', negate: nested[1] !== undefined, children: parseLogicItems(nested[3] ?? '', expr) };
    const dot = item.indexOf('.');
    if (dot <= 0) throw parseError(`logic tree (${expr})`, `expected "column.operator.value", received "${item}"`);
    return parseCondition(item.slice(0, dot), item.slice(dot + 1), true);
  });
}

/** Every column a filter names, so the caller can check them (and refresh the cache) first. */
export function filterColumns(filters: Filter[]): string[] {
  return filters.flatMap((f) => (f.kind === 'cond' ? [f.column] : filterColumns(f.children)));
}

/** SQL for the filters (joined with AND), columns checked against the table, values as parameters. */
export function compileFilters(filters: Filter[], table: TableInfo, params: SqlParams): string {
  return filters.map((f) => compileFilter(f, table, params)).join(' and ');
}

function compileFilter(f: Filter, table: TableInfo, params: SqlParams): string {
  if (f.kind === 'logic') {
    const inner = f.children.map((c) => compileFilter(c, table, params)).join(` ${f.op} `);
    return f.negate ? `not (${inner})` : `(${inner})`;
  }
  const column = table.columns.get(f.column);
  if (!column) throw unknownColumn(table.name, f.column);
  const col = ident(column.name);
  let sql: string;
  if (f.op === 'in') {
    const list = f.list ?? [];
    sql = list.length === 0 ? 'false' : `${col} in (${list.map((v) => params.typed(v, column.type)).join(', ')})`;
  } else if (f.op === 'is') {
    sql = `${col} is ${IS_VALUES[f.value.toLowerCase()]}`;
  } else if (f.op in PATTERN) {
    const pattern = f.op === 'like' || f.op === 'ilike' ? f.value.replace(/\*/g, '%') : f.value;
    sql = `${col}::text ${PATTERN[f.op]} ${params.typed(pattern, 'text')}`;
  } else {
    sql = `${col} ${COMPARISON[f.op]} ${params.typed(f.value, column.type)}`;
  }
  return f.negate ? `not (${sql})` : sql;
}
