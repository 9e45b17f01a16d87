/**
 * The `filter` of a postgres_changes binding in Supabase Realtime's dialect, parsed as its server
 * does (Extensions.PostgresCdcRls.Subscriptions.parse_subscription_params): `column=op.value`,
 * several joined by top-level commas meaning AND, an optional `not.` before the operator, and the
 * operators eq, neq, lt, lte, gt, gte, in, like, ilike, is, match, imatch, isdistinct.
 * `in.(a,"b,c")` becomes the Postgres array literal `{a,"b,c}` that the server later casts to the
 * column's array type; a fully double-quoted value is unquoted. Errors carry Supabase's wording.
 */

export const FILTER_OPERATORS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'match', 'imatch', 'isdistinct'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface ColumnFilter {
  column: string;
  op: FilterOperator;
  /** Text as Postgres will cast it; for `in`, an array literal `{...}`. */
  value: string;
  /** The `not.` prefix. */
  negate: boolean;
}

export class FilterParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterParseError';
  }
}

/** Elixir's inspect() of a list of strings, which Supabase puts in its parse errors. */
function inspectList(parts: string[]): string {
  return `[${parts.map((p) => JSON.stringify(p)).join(', ')}]`;
}

/**
 * Splits on commas outside parentheses and double quotes. A quote opens a quoted run only after
 * `.`, `(` or `,` (so `a"b` stays literal); inside one, a backslash escapes the next character.
 */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let prev = '';
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '\\' && i + 1 < text.length) {
        current += ch + text[++i];
        prev = text[i]!;
        continue;
      }
      if (ch === '"') quoted = false;
      current += ch;
      prev = ch;
      continue;
    }
    if (ch === '"' && (prev === '.' || prev === '(' || prev === ',')) quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      prev = '';
      continue;
    }
    current += ch;
    prev = ch;
  }
  parts.push(current);
  return parts;
}

/** `"a\"b"` -> `a"b`; anything not wholly quoted is kept as written. */
function unquoteValue(value: string): string {
  if (!value.startsWith('"')) return value;
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      out += value[++i];
      continue;
    }
    if (ch === '"') return i === value.length - 1 ? out : value;
    out += ch;
  }
  return value;
}

function parseSegment(segment: string): ColumnFilter {
  const trimmed = segment.trim();
  if (trimmed === '') throw new FilterParseError('filter must not contain empty segments (check for extra commas)');
  const eq = trimmed.indexOf('=');
  if (eq < 0) throw new FilterParseError(inspectList([trimmed]));
  const column = trimmed.slice(0, eq);
  let rest = trimmed.slice(eq + 1);
  const negate = rest.startsWith('not.');
  if (negate) rest = rest.slice('not.'.length);
  const dot = rest.indexOf('.');
  if (dot < 0) throw new FilterParseError(inspectList([rest]));
  const op = rest.slice(0, dot);
  const value = rest.slice(dot + 1);
  if (!(FILTER_OPERATORS as readonly string[]).includes(op)) throw new FilterParseError(inspectList([op, value]));
  if (op === 'in') {
    if (value.length < 2 || !value.startsWith('(') || !value.endsWith(')')) {
      throw new FilterParseError('`in` filter value must be wrapped by parentheses');
    }
    return { column, op, value: `{${value.slice(1, -1)}}`, negate };
  }
  return { column, op: op as FilterOperator, value: unquoteValue(value), negate };
}

/** Returns [] for no filter; throws FilterParseError (Supabase's reason text) otherwise. */
export function parsePostgresFilter(filter: string | undefined): ColumnFilter[] {
  if (filter === undefined || filter.trim() === '') return [];
  if (filter.length > 4096) throw new FilterParseError(`filter may be at most 4096 characters, received ${filter.length}`);
  return splitTopLevel(filter.trim()).map(parseSegment);
}
