import type { SqlExecutor } from './database';

export interface ColumnInfo {
  name: string;
  /** `format_type()` of the column: safe to splice after `::` because it comes from the catalog. */
  type: string;
}

export interface TableInfo {
  schema: string;
  name: string;
  columns: Map<string, ColumnInfo>;
  primaryKey: string[];
}

export interface FunctionArg {
  name: string;
  type: string;
  hasDefault: boolean;
}

export interface FunctionInfo {
  schema: string;
  name: string;
  args: FunctionArg[];
  returnsSet: boolean;
  /** true when the result is a row type (table, composite, record): rows become JSON objects. */
  returnsComposite: boolean;
  volatile: boolean;
  returnsVoid: boolean;
}

/** Only this schema is exposed, as in a default Supabase project. */
export const EXPOSED_SCHEMA = 'public';
/** A miss reloads the catalog (a table made after start), but not more often than this. */
const RELOAD_ON_MISS_MS = 200;

/**
 * PostgREST's schema cache: the tables, columns and functions of the exposed schema, read from
 * pg_catalog. Request identifiers are looked up here and refused when absent, so request text never
 * reaches SQL as an identifier it did not come from the catalog as.
 */
export class SchemaCache {
  private tables = new Map<string, TableInfo>();
  private functions = new Map<string, FunctionInfo[]>();
  /** When a miss last forced a reload (the start-up load does not count). */
  private missReloadAt = 0;
  private inflight: Promise<void> | undefined;

  constructor(private readonly db: SqlExecutor) {}

  async reload(): Promise<void> {
    const cols = await this.db.query<{ table_name: string; column_name: string; type: string }>(
      `select c.relname as table_name, a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'p', 'f')
        order by c.relname, a.attnum`,
      [EXPOSED_SCHEMA],
    );
    const pks = await this.db.query<{ table_name: string; column_name: string }>(
      `select c.relname as table_name, a.attname as column_name
         from pg_index i
         join pg_class c on c.oid = i.indrelid
         join pg_namespace n on n.oid = c.relnamespace
         join lateral unnest(i.indkey) with ordinality as k(attnum, ord) on true
         join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
        where n.nspname = $1 and i.indisprimary
        order by c.relname, k.ord`,
      [EXPOSED_SCHEMA],
    );
    const fns = await this.db.query<{
      name: string; arg_names: string[] | null; arg_types: string[] | null; n_defaults: number;
      returns_set: boolean; returns_composite: boolean; volatile: boolean; returns_void: boolean;
    }>(
      `select p.proname as name, p.proargnames as arg_names,
              array(select format_type(t, null) from unnest(p.proargtypes) as t) as arg_types,
              p.pronargdefaults as n_defaults, p.proretset as returns_set,
              (rt.typtype = 'c' or p.prorettype = 'record'::regtype) as returns_composite,
              p.provolatile = 'v' as volatile, p.prorettype = 'void'::regtype as returns_void
         from pg_proc p
         join pg_namespace n on n.oid = p.pronamespace
         join pg_type rt on rt.oid = p.prorettype
        where n.nspname = $1 and p.prokind = 'f'`,
      [EXPOSED_SCHEMA],
    );
    const tables = new Map<string, TableInfo>();
    for (const r of cols.rows) {
      let t = tables.get(r.table_name);
      if (!t) tables.set(r.table_name, (t = { schema: EXPOSED_SCHEMA, name: r.table_name, columns: new Map(), primaryKey: [] }));
      t.columns.set(r.column_name, { name: r.column_name, type: r.type });
    }
    for (const r of pks.rows) tables.get(r.table_name)?.primaryKey.push(r.column_name);
    const functions = new Map<string, FunctionInfo[]>();
    for (const f of fns.rows) {
      const types = f.arg_types ?? [];
      const names = f.arg_names ?? [];
      // Only named input arguments can be called with JSON named args, as in PostgREST.
      const args = types.map((type, i) => ({ name: names[i] ?? '', type, hasDefault: i >= types.length - f.n_defaults }));
      const list = functions.get(f.name) ?? [];
      list.push({ schema: EXPOSED_SCHEMA, name: f.name, args, returnsSet: f.returns_set, returnsComposite: f.returns_composite, volatile: f.volatile, returnsVoid: f.returns_void });
      functions.set(f.name, list);
    }
    this.tables = tables;
    this.functions = functions;
  }

  async table(name: string): Promise<TableInfo | undefined> {
    const hit = this.tables.get(name);
    if (hit || !(await this.reloadAfterMiss())) return hit;
    return this.tables.get(name);
  }

  async functionsNamed(name: string): Promise<FunctionInfo[]> {
    const hit = this.functions.get(name);
    if (hit || !(await this.reloadAfterMiss())) return hit ?? [];
    return this.functions.get(name) ?? [];
  }

  /** Closest table names, for PostgREST's "Perhaps you meant" hint. */
  suggestTable(name: string): string | undefined {
    const lower = name.toLowerCase();
    return [...this.tables.keys()].find((t) => t.toLowerCase() === lower || t.startsWith(lower) || lower.startsWith(t));
  }

  /** Reloads unless that happened in the last moment; true when it did. */
  async reloadAfterMiss(): Promise<boolean> {
    if (this.inflight) {
      await this.inflight;
      return true;
    }
    if (Date.now() - this.missReloadAt < RELOAD_ON_MISS_MS) return false;
    this.missReloadAt = Date.now();
    this.inflight = this.reload().finally(() => {
      this.inflight = undefined;
    });
    await this.inflight;
    return true;
  }
}
