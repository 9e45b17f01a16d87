/**
 * The `filter` of a postgres_changes binding, in Supabase Realtime's dialect: `column=op.value`,
 * several joined by commas meaning AND, `op` one of eq, neq, lt, lte, gt, gte, in (`in.(a,b,"c,d")`).
 * Parsing happens at join time so a bad filter is refused once, clearly, instead of at every change.
 */

export const FILTER_OPERATORS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface ColumnFilter {
  column: string;
  op: FilterOperator;
  /** One value, or the list for `in`. Kept as text: compared by the column's type later. */
  values: string[];
}

export class FilterParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterParseError';
  }
}

/** Splits on commas that are outside parentheses and double quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      current += ch;
      if (ch === '\\' && i + 1 < text.length) current += text[++i];
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

function parseSegment(segment: string): ColumnFilter {
  const eq = segment.indexOf('=');
  if (eq <= 0) {
    throw new FilterParseError(`filter "${segment}" must look like column=operator.value (e.g. user_id=eq.42)`);
  }
  const column = segment.slice(0, eq).trim();
  const rest = segment.slice(eq + 1);
  const dot = rest.indexOf('.');
  const op = (dot < 0 ? rest : rest.slice(0, dot)).trim();
  if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
    throw new FilterParseError(`filter operator must be one of ${FILTER_OPERATORS.join(', ')}, received "${op}" in "${segment}"`);
  }
  if (dot < 0) throw new FilterParseError(`filter "${segment}" has no value after "${op}."`);
  const raw = rest.slice(dot + 1);
  if (op === 'in') {
    const m = /^\s*\((.*)\)\s*$/s.exec(raw);
    if (!m) throw new FilterParseError(`filter "in" value must be a list in parentheses like in.(a,b), received "${raw}"`);
    const values = m[1]!.trim() === '' ? [] : splitTopLevel(m[1]!).map(unquote);
    if (values.length > 100) throw new FilterParseError(`filter "in" list may hold at most 100 values, received ${values.length}`);
    return { column, op, values };
  }
  return { column, op: op as FilterOperator, values: [raw] };
}

/** Returns [] for no filter; throws FilterParseError naming the problem otherwise. */
export function parsePostgresFilter(filter: string | undefined): ColumnFilter[] {
  if (filter === undefined || filter.trim() === '') return [];
  if (filter.length > 4096) throw new FilterParseError(`filter may be at most 4096 characters, received ${filter.length}`);
  return splitTopLevel(filter.trim()).map(parseSegment);
}
