import type { IncomingMessage } from 'node:http';
import { headerValue } from './http-io';
import { PostgrestError, parseError, unknownColumn } from './postgrest-error';
import type { TableInfo } from './schema-cache';
import { ident } from './sql-params';

export interface SelectItem {
  column: string;
  alias?: string;
}

/** `select=*`, `select=a,b`, `select=alias:col`; `*` is an empty list. Embedded resources are refused. */
export function parseSelect(raw: string | null): SelectItem[] {
  const text = (raw ?? '*').trim();
  if (text === '' || text === '*') return [];
  return text.split(',').map((part) => {
    const item = part.trim();
    if (item === '*') return { column: '*' };
    if (item.includes('(')) {
      throw new PostgrestError(400, 'PGRST200', `Could not find a relationship for "${item.slice(0, item.indexOf('('))}" in the schema cache`, 'embedded resources are not supported by the local API');
    }
    const m = /^(?:([A-Za-z_][A-Za-z0-9_]*):)?([A-Za-z_][A-Za-z0-9_$]*)$/.exec(item);
    if (!m) throw parseError(`select (${item})`, `expected a column name or alias:column, received "${item}"`);
    return m[1] ? { column: m[2] ?? '', alias: m[1] } : { column: m[2] ?? '' };
  });
}

/** The select list for `items`, each column checked against the table. */
export function compileSelect(items: SelectItem[], table: TableInfo): string {
  if (items.length === 0) return '*';
  return items
    .map((item) => {
      if (item.column === '*') return '*';
      const column = table.columns.get(item.column);
      if (!column) throw unknownColumn(table.name, item.column);
      return item.alias ? `${ident(column.name)} as ${ident(item.alias)}` : ident(column.name);
    })
    .join(', ');
}

export interface OrderTerm {
  column: string;
  direction: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** `order=a.desc.nullslast,b` */
export function parseOrder(raw: string | null): OrderTerm[] {
  if (raw === null || raw === '') return [];
  return raw.split(',').map((term) => {
    const [column = '', ...mods] = term.split('.');
    if (column === '') throw parseError(`order (${raw})`, `empty column in "${term}"`);
    const out: OrderTerm = { column, direction: 'asc' };
    for (const mod of mods) {
      if (mod === 'asc' || mod === 'desc') out.direction = mod;
      else if (mod === 'nullsfirst') out.nulls = 'first';
      else if (mod === 'nullslast') out.nulls = 'last';
      else throw parseError(`order (${raw})`, `unknown order modifier "${mod}" in "${term}": use asc, desc, nullsfirst, nullslast`);
    }
    return out;
  });
}

export function compileOrder(terms: OrderTerm[], table: TableInfo): string {
  return terms
    .map((t) => {
      const column = table.columns.get(t.column);
      if (!column) throw unknownColumn(table.name, t.column);
      return `${ident(column.name)} ${t.direction}${t.nulls ? ` nulls ${t.nulls}` : ''}`;
    })
    .join(', ');
}

export interface RowRange {
  offset: number;
  limit?: number;
}

function nonNegativeInt(name: string, raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw parseError(`${name} (${raw})`, `${name} must be a non-negative integer, received "${raw}"`);
  return Number(raw);
}

/** `limit`/`offset` query parameters, else a `Range: from-to` header (items), as PostgREST reads them. */
export function parseRange(params: URLSearchParams, req: IncomingMessage): RowRange {
  const limit = params.get('limit');
  const offset = params.get('offset');
  if (limit !== null || offset !== null) {
    return { offset: offset === null ? 0 : nonNegativeInt('offset', offset), limit: limit === null ? undefined : nonNegativeInt('limit', limit) };
  }
  const header = headerValue(req, 'range');
  if (!header) return { offset: 0 };
  const m = /^(?:items=)?\s*(\d+)-(\d*)\s*$/.exec(header);
  if (!m) throw new PostgrestError(416, 'PGRST103', 'Requested range not satisfiable', `Range must look like "0-9", received "${header}"`);
  const from = Number(m[1]);
  const to = m[2] === '' || m[2] === undefined ? undefined : Number(m[2]);
  if (to !== undefined && to < from) throw new PostgrestError(416, 'PGRST103', 'Requested range not satisfiable', `Range end ${to} is before its start ${from}`);
  return { offset: from, limit: to === undefined ? undefined : to - from + 1 };
}

export interface Preferences {
  returnMode: 'representation' | 'minimal' | 'headers-only';
  count: boolean;
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  missingDefault: boolean;
  rollback: boolean;
  /** Applied preferences, echoed in `Preference-Applied`. */
  applied: string[];
}

/** The `Prefer` header (possibly repeated: node joins repeats with ", "). Unknown items are ignored, as PostgREST does by default. */
export function parsePrefer(req: IncomingMessage): Preferences {
  const prefs: Preferences = { returnMode: 'minimal', count: false, missingDefault: false, rollback: false, applied: [] };
  for (const item of (headerValue(req, 'prefer') ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = item.split('=').map((s) => s.trim());
    if (key === 'return' && (value === 'representation' || value === 'minimal' || value === 'headers-only')) prefs.returnMode = value;
    else if (key === 'count' && (value === 'exact' || value === 'planned' || value === 'estimated')) prefs.count = true;
    else if (key === 'resolution' && (value === 'merge-duplicates' || value === 'ignore-duplicates')) prefs.resolution = value;
    else if (key === 'missing' && value === 'default') prefs.missingDefault = true;
    else if (key === 'tx' && value === 'rollback') prefs.rollback = true;
    else continue;
    prefs.applied.push(item);
  }
  return prefs;
}

/** true when the client asked for one object (`single()`): PostgREST then answers 406 unless exactly one row. */
export function wantsSingleObject(req: IncomingMessage): boolean {
  return (headerValue(req, 'accept') ?? '').includes('application/vnd.pgrst.object+json');
}

/** Only the exposed schema can be chosen with Accept-Profile/Content-Profile. */
export function checkProfile(req: IncomingMessage): void {
  for (const name of ['accept-profile', 'content-profile']) {
    const v = headerValue(req, name);
    if (v !== undefined && v !== 'public') {
      throw new PostgrestError(406, 'PGRST106', 'The schema must be one of the following: public', `${name} was "${v}"`);
    }
  }
}
