/**
 * Decides whether a changed row passes a binding's filters. Values arrive as the JSON of the row
 * (to_jsonb) and the filter values as text, so comparison follows the column's type the way the
 * SQL cast in Supabase Realtime would: numbers as numbers, times as instants, uuids without case,
 * everything else as text. A NULL column never matches (SQL: NULL = x is not true).
 */
import type { ColumnFilter } from './parse-postgres-filter';
import type { ColumnInfo } from './table-catalog';

const NUMERIC = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']);
const INSTANT = new Set(['timestamptz', 'timestamp', 'date']);

type Comparable = number | string | boolean;

function normalize(type: string, value: unknown): Comparable | undefined {
  if (value === null || value === undefined) return undefined;
  if (NUMERIC.has(type)) {
    const n = typeof value === 'number' ? value : Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  if (type === 'bool') {
    if (typeof value === 'boolean') return value;
    const t = String(value).toLowerCase();
    if (['t', 'true', 'yes', 'on', '1'].includes(t)) return true;
    if (['f', 'false', 'no', 'off', '0'].includes(t)) return false;
    return undefined;
  }
  if (INSTANT.has(type)) {
    const text = String(value);
    // Postgres text "2024-01-02 03:04:05+00" and ISO "2024-01-02T03:04:05+00:00" are the same instant.
    const ms = Date.parse(text.includes('T') ? text : text.replace(' ', 'T'));
    return Number.isNaN(ms) ? text : ms;
  }
  if (type === 'uuid') return String(value).toLowerCase();
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function matchesFilters(
  filters: readonly ColumnFilter[],
  record: Record<string, unknown> | null,
  columns: readonly ColumnInfo[],
): boolean {
  if (filters.length === 0) return true;
  if (!record) return false;
  return filters.every((f) => {
    const type = columns.find((c) => c.name === f.column)?.type ?? 'text';
    const actual = normalize(type, record[f.column]);
    if (actual === undefined) return false;
    const wanted = f.values.map((v) => normalize(type, v));
    const first = wanted[0];
    switch (f.op) {
      case 'in':
        return wanted.some((w) => w !== undefined && compare(actual, w) === 0);
      case 'eq':
        return first !== undefined && compare(actual, first) === 0;
      case 'neq':
        return first !== undefined && compare(actual, first) !== 0;
      case 'lt':
        return first !== undefined && compare(actual, first) < 0;
      case 'lte':
        return first !== undefined && compare(actual, first) <= 0;
      case 'gt':
        return first !== undefined && compare(actual, first) > 0;
      case 'gte':
        return first !== undefined && compare(actual, first) >= 0;
    }
  });
}
