/**
 * Change capture without logical replication (PGlite has none): a row-level AFTER trigger on every
 * table of the `supabase_realtime` publication writes the change to `realtime.changes` and NOTIFYs
 * its id. The row itself is read back by id because NOTIFY payloads stop at 8000 bytes.
 * Also here, the SQL half of realtime.apply_rls: the batched RLS check of one change for all its
 * subscribers, and the join-time check of filters (realtime.subscription_check_filters).
 * Everything is idempotent: it runs at every start and again whenever a subscription names a
 * table that is not captured yet (a later migration may have published it).
 */
import type { SqlExecutor } from '../database/database';

export const PUBLICATION = 'supabase_realtime';
export const NOTIFY_CHANNEL = 'realtime_changes';
/** NOTIFYed (empty payload, so one per transaction) after DDL, GRANT or REVOKE: the catalog may be stale. */
export const CATALOG_CHANNEL = 'realtime_catalog';
export const TRIGGER_NAME = 'realtime_capture_change';

const SETUP_SQL = `
create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role;

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
revoke all on function realtime.capture_change() from public;

-- Which of the given JWT claims may SELECT the changed row, decided by the table's own RLS
-- policies in one call for all subscribers, as realtime.apply_rls does: the primary-key lookup is
-- prepared once, then run per claims after setting role and request.jwt.claims (the two settings
-- walrus sets). roles[i] goes with claims[i] (JSON text); grouped by role, the role is switched
-- only when it changes, so the plan is reused (switching it per claims costs several times the
-- lookup). Only the API roles are ever switched to; an error (a policy that raises) counts as
-- "not visible" for the claims it was raised for.
drop function if exists realtime.visible_to(bigint, jsonb);
create or replace function realtime.visible_to(change_id bigint, roles text[], claims text[])
returns boolean[] language plpgsql volatile set search_path = '' as $fn$
declare
  ch realtime.changes;
  entity regclass;
  cond text;
  n int := coalesce(cardinality(claims), 0);
  result boolean[] := array_fill(false, array[n]);
  current_role_name text := '';
  ok boolean;
begin
  select * into ch from realtime.changes where id = change_id;
  if n = 0 or not found or ch.record is null then
    return result;
  end if;
  entity := format('%I.%I', ch.schema_name, ch.table_name)::regclass;
  select string_agg(format('%I = %L', a.attname, ch.record ->> a.attname::text), ' and ')
    into cond
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
   where i.indrelid = entity and i.indisprimary;
  if cond is null then
    return result;
  end if;
  if exists (select 1 from pg_prepared_statements where name = 'realtime_local_rls') then
    deallocate realtime_local_rls;
  end if;
  execute format('prepare realtime_local_rls as select exists (select 1 from %s where %s)', entity, cond);
  -- Fast path: one subtransaction for the whole batch.
  begin
    for i in 1..n loop
      continue when roles[i] is null or roles[i] not in ('anon', 'authenticated', 'service_role');
      if roles[i] <> current_role_name then
        perform set_config('role', roles[i], true);
        current_role_name := roles[i];
      end if;
      perform set_config('request.jwt.claims', claims[i], true);
      execute 'execute realtime_local_rls' into ok;
      result[i] := coalesce(ok, false);
    end loop;
  exception when others then
    -- Some policy raised: redo one by one, each failure counting as "not visible".
    result := array_fill(false, array[n]);
    for i in 1..n loop
      continue when roles[i] is null or roles[i] not in ('anon', 'authenticated', 'service_role');
      begin
        perform set_config('role', roles[i], true), set_config('request.jwt.claims', claims[i], true);
        execute 'execute realtime_local_rls' into ok;
        result[i] := coalesce(ok, false);
      exception when others then
        result[i] := false;
      end;
    end loop;
  end;
  perform set_config('role', 'none', true);
  deallocate realtime_local_rls;
  return result;
end
$fn$;
revoke all on function realtime.visible_to(bigint, text[], text[]) from public;

-- realtime.subscription_check_filters, for one table and the subscribing role: every filter
-- names a column the role may SELECT and a value the column's type accepts; raises Supabase's
-- messages otherwise. filters: [{column, op, value}], op already one of the 13 operators.
create or replace function realtime.check_filters(entity regclass, role_name text, filters jsonb)
returns void language plpgsql volatile set search_path = '' as $fn$
declare
  f jsonb;
  col text;
  op text;
  val text;
  col_type regtype;
  n int;
begin
  for f in select value from jsonb_array_elements(filters) loop
    col := f ->> 'column';
    op := f ->> 'op';
    val := f ->> 'value';
    col_type := null;
    select a.atttypid::regtype into col_type
      from pg_catalog.pg_attribute a
     where a.attrelid = entity and a.attname = col and a.attnum > 0 and not a.attisdropped
       and pg_catalog.has_column_privilege(role_name, entity, a.attnum, 'SELECT');
    if col_type is null then
      raise exception 'invalid column for filter %', col;
    end if;
    if op = 'in' then
      execute format('select cardinality(%L::%s[])', val, col_type) into n;
      if coalesce(n, 0) > 100 then
        raise exception 'too many values for \`in\` filter. Maximum 100';
      end if;
    elsif op = 'is' then
      if val not in ('null', 'true', 'false', 'unknown') then
        raise exception 'invalid value for is filter: must be null, true, false, or unknown';
      end if;
      if val <> 'null' and col_type <> 'boolean'::regtype then
        raise exception 'is % filter requires a boolean column, got %', val, col_type::text;
      end if;
    elsif op in ('like', 'ilike') then
      if not exists (select 1 from pg_catalog.pg_operator where oprname = '~~' and oprleft = col_type) then
        raise exception 'operator % requires a text-compatible column type, got %', op, col_type::text;
      end if;
    elsif op in ('match', 'imatch') then
      if not exists (
        select 1 from pg_catalog.pg_operator
         where oprname = case when op = 'imatch' then '~*' else '~' end
           and oprleft = col_type and oprright = col_type and oprresult = 'boolean'::regtype
      ) then
        raise exception 'operator % requires a text-compatible column type, got %', op, col_type::text;
      end if;
      begin
        perform '' ~ val;
      exception when others then
        raise exception 'invalid regular expression for % filter: %', op, sqlerrm;
      end;
    else
      execute format('select %L::%s', val, col_type);
    end if;
  end loop;
end
$fn$;
revoke all on function realtime.check_filters(regclass, text, jsonb) from public;

create or replace function realtime.notify_catalog_change() returns event_trigger
language plpgsql as $fn$
begin
  perform pg_notify('${CATALOG_CHANNEL}', '');
end
$fn$;
`;

export interface CaptureTableRow {
  schema: string;
  table: string;
  captured: boolean;
}

/** Creates the capture schema, table and functions; safe to call on every start. */
export async function installChangeCapture(db: SqlExecutor): Promise<{ catalogWatched: boolean }> {
  await db.query(SETUP_SQL);
  // Supabase projects always have this publication; a bare database may not.
  await db.query(`do $$ begin
    if not exists (select 1 from pg_publication where pubname = '${PUBLICATION}') then
      create publication ${PUBLICATION};
    end if;
  end $$;`);
  // An event trigger needs a superuser (PGlite's and a plain Postgres's owner are); without it the
  // catalog is re-read only when a subscription or a change names something it does not know.
  await db.query(`
    do $$ begin
      if not exists (select 1 from pg_event_trigger where evtname = 'realtime_local_catalog_watch') then
        create event trigger realtime_local_catalog_watch on ddl_command_end
          execute function realtime.notify_catalog_change();
      end if;
    exception when insufficient_privilege then null;
    end $$;`);
  const { rows } = await db.query<{ watched: boolean }>(
    `select exists (select 1 from pg_event_trigger where evtname = 'realtime_local_catalog_watch') as watched`,
  );
  return { catalogWatched: rows[0]?.watched === true };
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
