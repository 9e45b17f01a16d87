/**
 * What Realtime needs to know about each published table, read from the Postgres catalog: columns
 * with their type names (sent to clients as `columns`, which realtime-js uses to convert values),
 * the primary key, whether RLS is on, the replica identity (which columns a DELETE or UPDATE knows
 * of the old row), and which columns each API role may SELECT (realtime.apply_rls sends a role
 * only those). Re-read whenever DDL or a GRANT runs (see catalog-watch in change-capture).
 */
import type { SqlExecutor } from '../database/database';
import { PUBLICATION } from './change-capture';

export interface ColumnInfo {
  name: string;
  /** pg_type.typname, e.g. int8, uuid, timestamptz, _text: what Supabase sends in `columns`. */
  type: string;
  /** atttypid::regtype, e.g. `bigint`, `text[]`, `timestamp with time zone`: what filter values are cast to. */
  regtype: string;
}

export interface TableInfo {
  schema: string;
  table: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  rlsEnabled: boolean;
  /**
   * The columns Postgres logs of the old row (wal2json's `identity`): the primary key by default,
   * every column with REPLICA IDENTITY FULL, the index's columns with USING INDEX, none with NOTHING.
   */
  identity: string[];
  /** Per API role (anon, authenticated, service_role), the columns it may SELECT. */
  selectable: Record<string, string[]>;
}

function json<T>(v: unknown): T {
  // Drivers differ: PGlite and node-postgres parse jsonb, others hand back text.
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export async function loadPublishedTables(db: SqlExecutor): Promise<Map<string, TableInfo>> {
  const { rows } = await db.query<{
    schemaname: string;
    tablename: string;
    relrowsecurity: boolean;
    relreplident: string;
    columns: unknown;
    pk: unknown;
    replident_index: unknown;
    selectable: unknown;
  }>(
    `select p.schemaname, p.tablename, c.relrowsecurity, c.relreplident::text as relreplident,
            (select coalesce(jsonb_agg(jsonb_build_object(
                       'name', a.attname, 'type', t.typname, 'regtype', a.atttypid::regtype::text) order by a.attnum), '[]'::jsonb)
               from pg_attribute a join pg_type t on t.oid = a.atttypid
              where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
            (select coalesce(jsonb_agg(a.attname::text order by a.attnum), '[]'::jsonb)
               from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
              where i.indrelid = c.oid and i.indisprimary) as pk,
            (select coalesce(jsonb_agg(a.attname::text order by a.attnum), '[]'::jsonb)
               from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
              where i.indrelid = c.oid and i.indisreplident) as replident_index,
            (select coalesce(jsonb_object_agg(r.rolname, (
                       select coalesce(jsonb_agg(a.attname::text order by a.attnum), '[]'::jsonb)
                         from pg_attribute a
                        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                          and has_column_privilege(r.oid, c.oid, a.attnum, 'SELECT'))), '{}'::jsonb)
               from pg_roles r where r.rolname in ('anon', 'authenticated', 'service_role')) as selectable
       from pg_publication_tables p
       join pg_class c on c.oid = format('%I.%I', p.schemaname, p.tablename)::regclass
      where p.pubname = $1`,
    [PUBLICATION],
  );
  const tables = new Map<string, TableInfo>();
  for (const r of rows) {
    const columns = json<ColumnInfo[]>(r.columns);
    const primaryKey = json<string[]>(r.pk);
    const identity =
      r.relreplident === 'f' ? columns.map((c) => c.name) : r.relreplident === 'i' ? json<string[]>(r.replident_index) : r.relreplident === 'd' ? primaryKey : [];
    tables.set(tableKey(r.schemaname, r.tablename), {
      schema: r.schemaname,
      table: r.tablename,
      columns,
      primaryKey,
      rlsEnabled: r.relrowsecurity,
      identity,
      selectable: json<Record<string, string[]>>(r.selectable),
    });
  }
  return tables;
}

export function tableKey(schema: string, table: string): string {
  return `${schema}.${table}`;
}
