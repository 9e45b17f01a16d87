/**
 * What Realtime needs to know about each published table, read from the Postgres catalog:
 * columns with their type names (sent to clients as `columns`, which realtime-js uses to convert
 * values), the primary key, whether RLS is on and the replica identity (which decide what a
 * DELETE or UPDATE reveals in `old_record`).
 */
import type { SqlExecutor } from '../database';
import { PUBLICATION } from './change-capture';

export interface ColumnInfo {
  name: string;
  /** pg_type.typname, e.g. int8, uuid, timestamptz, _text: what Supabase sends in `columns`. */
  type: string;
  /** format_type(), e.g. `bigint`, `text[]`: used to cast filter values at join time. */
  sqlType: string;
}

export interface TableInfo {
  schema: string;
  table: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  rlsEnabled: boolean;
  replicaIdentityFull: boolean;
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
  }>(
    `select p.schemaname, p.tablename, c.relrowsecurity, c.relreplident::text as relreplident,
            (select coalesce(jsonb_agg(jsonb_build_object(
                       'name', a.attname, 'type', t.typname,
                       'sqlType', format_type(a.atttypid, a.atttypmod)) order by a.attnum), '[]'::jsonb)
               from pg_attribute a join pg_type t on t.oid = a.atttypid
              where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
            (select coalesce(jsonb_agg(a.attname::text order by a.attnum), '[]'::jsonb)
               from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
              where i.indrelid = c.oid and i.indisprimary) as pk
       from pg_publication_tables p
       join pg_class c on c.oid = format('%I.%I', p.schemaname, p.tablename)::regclass
      where p.pubname = $1`,
    [PUBLICATION],
  );
  const tables = new Map<string, TableInfo>();
  for (const r of rows) {
    tables.set(tableKey(r.schemaname, r.tablename), {
      schema: r.schemaname,
      table: r.tablename,
      columns: json<ColumnInfo[]>(r.columns),
      primaryKey: json<string[]>(r.pk),
      rlsEnabled: r.relrowsecurity,
      replicaIdentityFull: r.relreplident === 'f',
    });
  }
  return tables;
}

export function tableKey(schema: string, table: string): string {
  return `${schema}.${table}`;
}
