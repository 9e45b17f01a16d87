import { parseError } from './postgrest-error';
import { Cursor, type FieldRef } from './postgrest-field';
import { parseLogicTree, parseOperation, type Filter } from './postgrest-filter-parse';
import { parseSelect, type SelectItem } from './postgrest-select';

export interface OrderTerm {
  /** `order=rel(col)`: a column of an embedded to-one resource. */
  relation?: string;
  field: FieldRef;
  direction?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** Filters, order and ranges addressed to the top level (path []) or an embedded resource (`messages.`). */
export interface ReadParams {
  select: SelectItem[];
  filters: Array<{ path: string[]; filter: Filter }>;
  orders: Array<{ path: string[]; terms: OrderTerm[] }>;
  ranges: Array<{ path: string[]; limit?: number; offset?: number }>;
}

const RESERVED = new Set(['select', 'columns', 'on_conflict']);

function nonNegativeInt(name: string, raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw parseError(`${name} (${raw})`, `unexpected "${raw.replace(/^\d*/, '').slice(0, 1) || raw}" expecting digit`);
  return Number(raw);
}

/** `order=a.desc.nullslast,data->b,rel(col).asc` */
export function parseOrder(raw: string): OrderTerm[] {
  if (raw.trim() === '') return [];
  const c = new Cursor(raw, 'order');
  const terms: OrderTerm[] = [];
  for (;;) {
    c.skipSpaces();
    let relation: string | undefined;
    let field = c.field();
    if (c.eat('(')) {
      relation = field.name;
      field = c.field();
      if (!c.eat(')')) c.fail('")"');
    }
    const term: OrderTerm = { relation, field };
    while (c.eat('.')) {
      if (c.eat('asc')) term.direction = 'asc';
      else if (c.eat('desc')) term.direction = 'desc';
      else if (c.eat('nullsfirst')) term.nulls = 'first';
      else if (c.eat('nullslast')) term.nulls = 'last';
      else c.fail('"asc", "desc", "nullsfirst" or "nullslast"');
    }
    terms.push(term);
    if (c.done) return terms;
    if (!c.eat(',')) c.fail('",", "." or end of input');
  }
}

/** Splits `a.b.rest` into the embed path and what follows the last dot-separated name. */
function splitPath(key: string): { path: string[]; last: string } {
  const parts: string[] = [];
  const c = new Cursor(key, 'tree path');
  for (;;) {
    const start = c.pos;
    if (/^not\.(and|or)$/.test(key.slice(start))) return { path: parts, last: key.slice(start) };
    const name = c.name();
    if (name !== undefined && c.peek('.')) {
      c.pos++;
      parts.push(name);
      continue;
    }
    c.pos = start;
    return { path: parts, last: key.slice(start) };
  }
}

/**
 * Reads a read request's query parameters as PostgREST does: `select`, filters (`col=op.val`,
 * `or=(...)`, `rel.col=...`), `order`/`rel.order`, `limit`/`offset`/`rel.limit`. `skip` are
 * parameters that belong to someone else (RPC arguments on GET).
 */
export function parseReadParams(params: URLSearchParams, skip: ReadonlySet<string> = new Set()): ReadParams {
  const out: ReadParams = { select: parseSelect(params.get('select')), filters: [], orders: [], ranges: [] };
  const ranges = new Map<string, { path: string[]; limit?: number; offset?: number }>();
  const range = (path: string[]) => {
    const k = path.join('\u0000');
    let r = ranges.get(k);
    if (!r) ranges.set(k, (r = { path }));
    return r;
  };
  for (const [key, value] of params) {
    if (RESERVED.has(key) || skip.has(key)) continue;
    const { path, last } = splitPath(key);
    if (last === 'order') out.orders.push({ path, terms: parseOrder(value) });
    else if (last === 'limit') range(path).limit = nonNegativeInt('limit', value);
    else if (last === 'offset') range(path).offset = nonNegativeInt('offset', value);
    else if (/^(not\.)?(and|or)$/.test(last)) {
      const negate = last.startsWith('not.');
      out.filters.push({ path, filter: parseLogicTree(negate ? (last.slice(4) as 'and' | 'or') : (last as 'and' | 'or'), negate, value) });
    } else {
      const c = new Cursor(last, 'filter');
      const field = c.field();
      if (!c.done) c.fail('"->", "->>" or end of input');
      const { negate, operation } = parseOperation(value, 'filter', false);
      out.filters.push({ path, filter: { kind: 'cond', field, negate, operation } });
    }
  }
  out.ranges = [...ranges.values()];
  return out;
}
