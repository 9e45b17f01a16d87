import type { SqlExecutor } from '../database/database';

/**
 * The catalog reads behind the schema cache, one statement each, all keyed by the exposed schemas
 * (a parameter). They only read pg_catalog; nothing of a request reaches them.
 */

export interface ColumnRow {
  schema: string;
  table_name: string;
  kind: string;
  column_name: string;
  type: string;
  not_null: boolean;
  has_default: boolean;
  /** The column's DEFAULT as SQL, from the catalog (identity columns as nextval of their sequence). */
  default_sql: string | null;
}

export function readColumns(db: SqlExecutor, schemas: string[]): Promise<{ rows: ColumnRow[] }> {
  return db.query<ColumnRow>(
    `select n.nspname as schema, c.relname as table_name, c.relkind::text as kind, a.attname as column_name,
            format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
            (a.atthasdef or a.attidentity <> '' or a.attgenerated <> '') as has_default,
            case when a.attidentity <> '' then format('nextval(%L::regclass)', pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname))
                 when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as default_sql
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
      where n.nspname = any($1::text[]) and c.relkind in ('r', 'v', 'm', 'p', 'f') and not c.relispartition
      order by n.nspname, c.relname, a.attnum`,
    [schemas],
  );
}

export interface KeyRow {
  schema: string;
  table_name: string;
  columns: string[];
}

export function readPrimaryKeys(db: SqlExecutor, schemas: string[]): Promise<{ rows: KeyRow[] }> {
  return db.query<KeyRow>(
    `select n.nspname as schema, c.relname as table_name,
            array(select a.attname::text from unnest(i.indkey) with ordinality k(attnum, ord)
                    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum order by k.ord) as columns
       from pg_index i
       join pg_class c on c.oid = i.indrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any($1::text[]) and i.indisprimary`,
    [schemas],
  );
}

export interface ForeignKeyRow {
  schema: string;
  table_name: string;
  foreign_schema: string;
  foreign_table: string;
  constraint_name: string;
  columns: string[];
  foreign_columns: string[];
  /** The FK columns are also a primary key or unique key of the table: one-to-one. */
  one_to_one: boolean;
}

export function readForeignKeys(db: SqlExecutor): Promise<{ rows: ForeignKeyRow[] }> {
  return db.query<ForeignKeyRow>(
    `select n1.nspname as schema, t.relname as table_name, n2.nspname as foreign_schema, f.relname as foreign_table,
            con.conname as constraint_name,
            array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, ord)
                    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord) as columns,
            array(select a.attname::text from unnest(con.confkey) with ordinality k(attnum, ord)
                    join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord) as foreign_columns,
            exists (select 1 from pg_constraint u
                     where u.conrelid = con.conrelid and u.contype in ('p', 'u')
                       and (select array_agg(x order by x) from unnest(u.conkey) x) = (select array_agg(x order by x) from unnest(con.conkey) x)) as one_to_one
       from pg_constraint con
       join pg_class t on t.oid = con.conrelid
       join pg_namespace n1 on n1.oid = t.relnamespace
       join pg_class f on f.oid = con.confrelid
       join pg_namespace n2 on n2.oid = f.relnamespace
      where con.contype = 'f' and con.conparentid = 0
      order by con.conrelid, con.conname`,
  );
}

export interface ViewColumnRow {
  view_schema: string;
  view_name: string;
  table_schema: string;
  table_name: string;
  column_name: string;
}

/** Which table columns each view reads (pg_depend of the view's rewrite rule). */
export function readViewColumnUsage(db: SqlExecutor, schemas: string[]): Promise<{ rows: ViewColumnRow[] }> {
  return db.query<ViewColumnRow>(
    `select distinct vn.nspname as view_schema, v.relname as view_name, tn.nspname as table_schema, t.relname as table_name, a.attname as column_name
       from pg_rewrite r
       join pg_class v on v.oid = r.ev_class and v.relkind in ('v', 'm')
       join pg_namespace vn on vn.oid = v.relnamespace
       join pg_depend d on d.objid = r.oid and d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0
       join pg_class t on t.oid = d.refobjid and t.oid <> v.oid
       join pg_namespace tn on tn.oid = t.relnamespace
       join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      where vn.nspname = any($1::text[])`,
    [schemas],
  );
}

export interface FunctionRow {
  schema: string;
  name: string;
  arg_names: string[] | null;
  arg_modes: string[] | null;
  all_arg_types: string[];
  n_defaults: number;
  returns_set: boolean;
  return_type: string;
  /** 'c' for a composite (table) type, 'p' for record/void, 'b' base, ... */
  return_kind: string;
  return_table_schema: string | null;
  return_table: string | null;
  volatile: boolean;
  rows: number;
  first_arg_table_schema: string | null;
  first_arg_table: string | null;
}

export function readFunctions(db: SqlExecutor, schemas: string[]): Promise<{ rows: FunctionRow[] }> {
  return db.query<FunctionRow>(
    `select n.nspname as schema, p.proname as name, p.proargnames as arg_names, p.proargmodes::text[] as arg_modes,
            array(select format_type(t, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, o) order by o) as all_arg_types,
            p.pronargdefaults::int as n_defaults, p.proretset as returns_set, format_type(p.prorettype, null) as return_type,
            rt.typtype::text as return_kind, rn.nspname as return_table_schema, rc.relname as return_table,
            p.provolatile = 'v' as volatile, p.prorows::float8 as rows,
            an.nspname as first_arg_table_schema, ac.relname as first_arg_table
       from pg_proc p
       join pg_namespace n on n.oid = p.pronamespace
       join pg_type rt on rt.oid = p.prorettype
       left join pg_class rc on rc.oid = rt.typrelid and rc.relkind in ('r', 'v', 'm', 'p', 'f')
       left join pg_namespace rn on rn.oid = rc.relnamespace
       left join pg_type at on at.oid = p.proargtypes[0]
       left join pg_class ac on ac.oid = at.typrelid and ac.relkind in ('r', 'v', 'm', 'p', 'f')
       left join pg_namespace an on an.oid = ac.relnamespace
      where n.nspname = any($1::text[]) and p.prokind = 'f'
      order by p.oid`,
    [schemas],
  );
}

/** PostgREST's in-database configuration: `alter role authenticator set pgrst.<name> = ...`. */
export async function readRoleSettings(db: SqlExecutor): Promise<Map<string, string>> {
  const r = await db.query<{ setting: string }>(
    `select unnest(s.setconfig) as setting
       from pg_db_role_setting s
       join pg_roles r on r.oid = s.setrole and r.rolname = 'authenticator'
      where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))`,
    [],
  );
  const out = new Map<string, string>();
  for (const { setting } of r.rows) {
    const eq = setting.indexOf('=');
    if (eq > 0 && setting.startsWith('pgrst.')) out.set(setting.slice(6, eq), setting.slice(eq + 1));
  }
  return out;
}
