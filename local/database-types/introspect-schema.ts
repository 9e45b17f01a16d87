import type { SqlExecutor } from '../supabase/database/database';

/**
 * What the type generator needs to know of a database, read from the Postgres catalog: the same
 * facts `supabase gen types typescript` reads through postgres-meta (tables, views, columns,
 * foreign keys, functions, enums, composite types), for the schemas asked for.
 */
export interface SchemaCatalog {
  schemas: string[];
  relations: CatalogRelation[];
  columns: CatalogColumn[];
  relationships: CatalogRelationship[];
  functions: CatalogFunction[];
  enums: CatalogEnum[];
  composites: CatalogComposite[];
}

export interface CatalogRelation {
  id: number;
  schema: string;
  name: string;
  /** Tables (and foreign tables) have Row/Insert/Update; views only Row, unless updatable. */
  kind: 'table' | 'view';
  isUpdatable: boolean;
}

export interface CatalogColumn {
  relationId: number;
  name: string;
  /** The type's name (`uuid`, `int4`, `_text` for arrays, an enum's name); a domain's base type. */
  format: string;
  isNullable: boolean;
  hasDefault: boolean;
  /** Identity ALWAYS and generated columns cannot be written. */
  isWritable: boolean;
  isUpdatable: boolean;
}

export interface CatalogRelationship {
  schema: string;
  relation: string;
  foreignKeyName: string;
  columns: string[];
  isOneToOne: boolean;
  referencedRelation: string;
  referencedColumns: string[];
}

export interface CatalogFunctionArg {
  name: string;
  mode: 'in' | 'out' | 'inout' | 'variadic' | 'table';
  type: string;
  hasDefault: boolean;
}

export interface CatalogFunction {
  schema: string;
  name: string;
  args: CatalogFunctionArg[];
  /** `pg_get_function_identity_arguments`: a function of one row (`video_jobs`) is a computed column. */
  identityArguments: string;
  returnType: string;
  /** Set when the function returns a table's or view's row type. */
  returnRelationId: number | null;
  returnsSet: boolean;
}

export interface CatalogEnum {
  schema: string;
  name: string;
  values: string[];
}

export interface CatalogComposite {
  schema: string;
  name: string;
  attributes: Array<{ name: string; type: string }>;
}

const RELATIONS_SQL = `
select c.oid::int8 as id, n.nspname as schema, c.relname as name,
  case when c.relkind in ('r', 'p', 'f') then 'table' else 'view' end as kind,
  (c.relkind = 'v' and (pg_relation_is_updatable(c.oid, false) & 20) = 20) as is_updatable
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1) and c.relkind in ('r', 'p', 'f', 'v', 'm') and not c.relispartition`;

const COLUMNS_SQL = `
select a.attrelid::int8 as relation_id, a.attname as name,
  coalesce(bt.typname, t.typname) as format,
  not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as is_nullable,
  (ad.adbin is not null and a.attgenerated = '') or a.attidentity <> '' as has_default,
  a.attidentity <> 'a' and a.attgenerated = '' as is_writable,
  (c.relkind in ('r', 'p') or (c.relkind in ('v', 'f') and pg_column_is_updatable(c.oid, a.attnum, false))) as is_updatable
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
where n.nspname = any($1) and c.relkind in ('r', 'p', 'f', 'v', 'm') and a.attnum > 0 and not a.attisdropped`;

const RELATIONSHIPS_SQL = `
select n.nspname as schema, c.relname as relation, k.conname as foreign_key_name,
  (select array_agg(a.attname order by u.ord) from unnest(k.conkey) with ordinality u(attnum, ord)
     join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum) as columns,
  rc.relname as referenced_relation,
  (select array_agg(a.attname order by u.ord) from unnest(k.confkey) with ordinality u(attnum, ord)
     join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum) as referenced_columns,
  exists (
    select 1 from pg_constraint uk
    where uk.conrelid = k.conrelid and uk.contype in ('p', 'u')
      and uk.conkey @> k.conkey and uk.conkey <@ k.conkey
  ) as is_one_to_one
from pg_constraint k
join pg_class c on c.oid = k.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class rc on rc.oid = k.confrelid
join pg_namespace rn on rn.oid = rc.relnamespace
where k.contype = 'f' and n.nspname = any($1) and rn.nspname = n.nspname`;

const FUNCTIONS_SQL = `
select n.nspname as schema, p.proname as name,
  pg_get_function_identity_arguments(p.oid) as identity_arguments,
  coalesce(p.proallargtypes::int8[], p.proargtypes::int8[]) as arg_type_ids,
  coalesce(p.proargmodes::text[], array_fill('i'::text, array[p.pronargs::int])) as arg_modes,
  coalesce(p.proargnames, array[]::text[]) as arg_names,
  p.pronargdefaults as default_count,
  rt.typname as return_type,
  case when rt.typrelid <> 0 and exists (select 1 from pg_class r where r.oid = rt.typrelid and r.relkind in ('r', 'p', 'f', 'v', 'm'))
    then rt.typrelid::int8 end as return_relation_id,
  p.proretset as returns_set
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type rt on rt.oid = p.prorettype
where n.nspname = any($1) and p.prokind = 'f' and rt.typname not in ('trigger', 'event_trigger')`;

const TYPE_NAMES_SQL = `select t.oid::int8 as id, t.typname as name from pg_type t where t.oid = any($1::oid[])`;

const ENUMS_SQL = `
select n.nspname as schema, t.typname as name, array_agg(e.enumlabel order by e.enumsortorder) as values
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
join pg_enum e on e.enumtypid = t.oid
where n.nspname = any($1)
group by n.nspname, t.typname`;

const COMPOSITES_SQL = `
select n.nspname as schema, t.typname as name,
  array_agg(a.attname order by a.attnum) as attribute_names,
  array_agg(coalesce(bt.typname, at.typname) order by a.attnum) as attribute_types
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
join pg_class c on c.oid = t.typrelid and c.relkind = 'c'
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
join pg_type at on at.oid = a.atttypid
left join pg_type bt on at.typtype = 'd' and bt.oid = at.typbasetype
where n.nspname = any($1) and t.typtype = 'c'
group by n.nspname, t.typname`;

const ARG_MODES: Record<string, CatalogFunctionArg['mode']> = { i: 'in', o: 'out', b: 'inout', v: 'variadic', t: 'table' };

/** Reads the catalog of `schemas` (a migrated database, nothing else needed). */
export async function introspectSchema(db: SqlExecutor, schemas: readonly string[]): Promise<SchemaCatalog> {
  const list = [...schemas];
  const relations = await db.query<{ id: string | number; schema: string; name: string; kind: 'table' | 'view'; is_updatable: boolean }>(RELATIONS_SQL, [list]);
  const columns = await db.query<{ relation_id: string | number; name: string; format: string; is_nullable: boolean; has_default: boolean; is_writable: boolean; is_updatable: boolean }>(COLUMNS_SQL, [list]);
  const relationships = await db.query<{ schema: string; relation: string; foreign_key_name: string; columns: string[]; referenced_relation: string; referenced_columns: string[]; is_one_to_one: boolean }>(RELATIONSHIPS_SQL, [list]);
  const functions = await db.query<{
    schema: string;
    name: string;
    identity_arguments: string;
    arg_type_ids: Array<string | number>;
    arg_modes: string[];
    arg_names: string[];
    default_count: number;
    return_type: string;
    return_relation_id: string | number | null;
    returns_set: boolean;
  }>(FUNCTIONS_SQL, [list]);
  const typeIds = [...new Set(functions.rows.flatMap((f) => f.arg_type_ids.map(Number)))];
  const typeNames = new Map<number, string>();
  if (typeIds.length > 0) {
    for (const row of (await db.query<{ id: string | number; name: string }>(TYPE_NAMES_SQL, [typeIds])).rows) typeNames.set(Number(row.id), row.name);
  }
  const enums = await db.query<{ schema: string; name: string; values: string[] }>(ENUMS_SQL, [list]);
  const composites = await db.query<{ schema: string; name: string; attribute_names: string[]; attribute_types: string[] }>(COMPOSITES_SQL, [list]);

  return {
    schemas: list,
    relations: relations.rows.map((r) => ({ id: Number(r.id), schema: r.schema, name: r.name, kind: r.kind, isUpdatable: r.is_updatable })),
    columns: columns.rows.map((c) => ({
      relationId: Number(c.relation_id),
      name: c.name,
      format: c.format,
      isNullable: c.is_nullable,
      hasDefault: c.has_default,
      isWritable: c.is_writable,
      isUpdatable: c.is_updatable,
    })),
    relationships: relationships.rows.map((r) => ({
      schema: r.schema,
      relation: r.relation,
      foreignKeyName: r.foreign_key_name,
      columns: r.columns,
      isOneToOne: r.is_one_to_one,
      referencedRelation: r.referenced_relation,
      referencedColumns: r.referenced_columns,
    })),
    functions: functions.rows.map((f) => {
      const inputs = f.arg_modes.filter((m) => m === 'i' || m === 'b' || m === 'v').length;
      let inputIndex = 0;
      return {
        schema: f.schema,
        name: f.name,
        identityArguments: f.identity_arguments,
        args: f.arg_type_ids.map((typeId, i) => {
          const mode = ARG_MODES[f.arg_modes[i]!] ?? 'in';
          const isInput = mode === 'in' || mode === 'inout' || mode === 'variadic';
          // The last `pronargdefaults` input arguments have defaults.
          const hasDefault = isInput && inputIndex++ >= inputs - f.default_count;
          return { name: f.arg_names[i] ?? '', mode, type: typeNames.get(Number(typeId)) ?? 'unknown', hasDefault };
        }),
        returnType: f.return_type,
        returnRelationId: f.return_relation_id === null ? null : Number(f.return_relation_id),
        returnsSet: f.returns_set,
      };
    }),
    enums: enums.rows,
    composites: composites.rows.map((c) => ({
      schema: c.schema,
      name: c.name,
      attributes: c.attribute_names.map((name, i) => ({ name, type: c.attribute_types[i]! })),
    })),
  };
}
