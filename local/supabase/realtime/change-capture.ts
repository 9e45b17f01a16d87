/**
 * Change capture without logical replication (PGlite has none): a row-level AFTER trigger on every
 * table of the `supabase_realtime` publication writes the change to `realtime.changes` and NOTIFYs
 * its id. The row itself is read back by id because NOTIFY payloads stop at 8000 bytes.
 * Everything here is idempotent: it runs at every start and again whenever a subscription names a
 * table that is not captured yet (a later migration may have published it).
 */
import type { SqlExecutor } from '../database';

export const PUBLICATION = 'supabase_realtime';
export const NOTIFY_CHANNEL = 'realtime_changes';
export const TRIGGER_NAME = 'realtime_capture_change';

const SETUP_SQL = `
create schema if not exists realtime;

create table if not exists realtime.changes (
  id bigserial primary key,
  schema_name text not null,
  table_name text not null,
  type text not null,
  record jsonb,
  old_record jsonb,
  commit_timestamp timestamptz not null default now(),
  created_at timestamptz not null default clock_timestamp()
);
revoke all on realtime.changes from public;

-- SECURITY DEFINER: the writer (anon, authenticated, service_role via REST) must not need
-- rights on realtime.changes; search_path is pinned so the definer's rights cannot be hijacked.
create or replace function realtime.capture_change() returns trigger
language plpgsql security definer set search_path = '' as $fn$
declare
  change_id bigint;
begin
  insert into realtime.changes (schema_name, table_name, type, record, old_record)
  values (
    tg_table_schema,
    tg_table_name,
    tg_op,
    case when tg_op <> 'DELETE' then to_jsonb(new) end,
    case when tg_op <> 'INSERT' then to_jsonb(old) end
  )
  returning id into change_id;
  perform pg_notify('${NOTIFY_CHANNEL}', change_id::text);
  return null;
end
$fn$;

-- One claims set: only the API roles (as PostgREST allows), which need SELECT on the table; then
-- switch role and request.jwt.claims exactly as PostgREST does and run the lookup.
create or replace function realtime.visible_as(c jsonb, entity regclass, query text)
returns boolean language plpgsql volatile set search_path = '' as $fn$
declare
  ok boolean;
begin
  if coalesce(c ->> 'role', '') not in ('anon', 'authenticated', 'service_role')
     or not has_table_privilege(c ->> 'role', entity, 'SELECT') then
    return false;
  end if;
  perform set_config('role', c ->> 'role', true);
  perform set_config('request.jwt.claims', c::text, true);
  perform set_config('request.jwt.claim.sub', coalesce(c ->> 'sub', ''), true);
  perform set_config('request.jwt.claim.role', coalesce(c ->> 'role', ''), true);
  perform set_config('request.jwt.claim.email', coalesce(c ->> 'email', ''), true);
  execute query into ok;
  perform set_config('role', 'none', true);
  return coalesce(ok, false);
end
$fn$;

-- Which of the given JWT claims may SELECT the changed row, decided by the table's own RLS
-- policies, in one round trip for all subscribers: per claims, switch role and
-- request.jwt.claims exactly as PostgREST does, then look the row up by primary key (as Supabase
-- Realtime's walrus does). Any error (no privilege, unknown role) counts as "not visible".
create or replace function realtime.visible_to(change_id bigint, claims_list jsonb)
returns boolean[] language plpgsql volatile set search_path = '' as $fn$
declare
  ch realtime.changes;
  entity regclass;
  cond text;
  c jsonb;
  query text;
  result boolean[] := '{}';
begin
  select * into ch from realtime.changes where id = change_id;
  if not found or ch.record is null then
    return array_fill(false, array[jsonb_array_length(claims_list)]);
  end if;
  entity := format('%I.%I', ch.schema_name, ch.table_name)::regclass;
  select string_agg(format('%I = %L', a.attname, ch.record ->> a.attname::text), ' and ')
    into cond
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = entity and i.indisprimary;
  if cond is null then
    return array_fill(false, array[jsonb_array_length(claims_list)]);
  end if;
  query := format('select exists (select 1 from %s where %s)', entity, cond);
  -- Fast path: one subtransaction for the whole batch (a per-claims exception block costs more
  -- than the lookup itself). Privileges are checked up front so an ordinary denial raises nothing.
  begin
    for c in select value from jsonb_array_elements(claims_list) loop
      result := result || realtime.visible_as(c, entity, query);
    end loop;
  exception when others then
    -- Some policy raised for some claims: redo one by one, each failure counting as "not visible".
    result := '{}';
    for c in select value from jsonb_array_elements(claims_list) loop
      begin
        result := result || realtime.visible_as(c, entity, query);
      exception when others then
        result := result || false;
      end;
    end loop;
  end;
  perform set_config('role', 'none', true);
  return result;
end
$fn$;
`;

export interface CaptureTableRow {
  schema: string;
  table: string;
  captured: boolean;
}

/** Creates the capture schema, table and functions; safe to call on every start. */
export async function installChangeCapture(db: SqlExecutor): Promise<void> {
  await db.query(SETUP_SQL);
  // Supabase projects always have this publication; a bare database may not.
  await db.query(`do $$ begin
    if not exists (select 1 from pg_publication where pubname = '${PUBLICATION}') then
      create publication ${PUBLICATION};
    end if;
  end $$;`);
}

/**
 * Puts the capture trigger on every published table that lacks it; returns the published tables.
 * Identifiers come from the catalog and are quoted with format('%I').
 */
export async function captureNewTables(db: SqlExecutor): Promise<CaptureTableRow[]> {
  const { rows } = await db.query<{ schemaname: string; tablename: string; captured: boolean }>(
    `select p.schemaname, p.tablename,
            exists (select 1 from pg_trigger t
                    where t.tgrelid = format('%I.%I', p.schemaname, p.tablename)::regclass
                      and t.tgname = $2) as captured
       from pg_publication_tables p
      where p.pubname = $1`,
    [PUBLICATION, TRIGGER_NAME],
  );
  for (const r of rows) {
    if (r.captured) continue;
    await db.query(
      `do $$ begin
         execute format('create trigger %I after insert or update or delete on %I.%I for each row execute function realtime.capture_change()',
                        ${literal(TRIGGER_NAME)}, ${literal(r.schemaname)}, ${literal(r.tablename)});
       exception when duplicate_object then null;
       end $$;`,
    );
  }
  return rows.map((r) => ({ schema: r.schemaname, table: r.tablename, captured: true }));
}

/** A SQL string literal; only used for catalog names inside a DO block, which takes no parameters. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Deletes delivered changes older than a minute; they are only a hand-off buffer. */
export async function pruneChanges(db: SqlExecutor, deliveredUpTo: number): Promise<void> {
  await db.query(`delete from realtime.changes where id <= $1 and created_at < clock_timestamp() - interval '1 minute'`, [
    deliveredUpTo,
  ]);
}
