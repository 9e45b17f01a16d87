/**
 * The database side of Broadcast, created as Supabase Realtime's tenant migrations create it:
 * `realtime.messages` (RLS on; its policies authorise private channels: SELECT to receive, INSERT
 * to send), `realtime.topic()`, `realtime.send(payload, event, topic, private default true)`,
 * `realtime.send_binary(...)` and `realtime.broadcast_changes(...)` for triggers. Supabase relays
 * every committed insert into realtime.messages by logical replication; here an AFTER INSERT
 * trigger NOTIFYs the row's id (delivered only on commit, like the WAL) and broadcast-relay reads
 * it back. The table is not partitioned by day as Supabase's is; rows older than 72 hours are
 * deleted, as Supabase's janitor does.
 *
 * On a database that already has Supabase's own realtime.messages (a Supabase project behind
 * DATABASE_URL) nothing here is replaced: only objects this module created (marked by a comment)
 * are re-created.
 */
import type { SqlExecutor } from '../database/database';

export const MESSAGES_CHANNEL = 'realtime_messages';
const MARK = 'supabase-local realtime';

const SETUP_SQL = `
do $setup$
declare
  ours boolean := not exists (
    select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'realtime' and c.relname = 'messages'
  ) or coalesce(obj_description(to_regclass('realtime.messages'), 'pg_class') = '${MARK}', false);
begin
  if not ours then
    return;
  end if;

  create table if not exists realtime.messages (
    topic text not null,
    extension text not null,
    payload jsonb,
    event text,
    private boolean default false,
    updated_at timestamp not null default now(),
    inserted_at timestamp not null default now(),
    id uuid not null default gen_random_uuid(),
    binary_payload bytea,
    constraint messages_payload_exclusive check (payload is null or binary_payload is null),
    primary key (id, inserted_at)
  );
  comment on table realtime.messages is '${MARK}';
  create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
    where extension = 'broadcast' and private is true;
  alter table realtime.messages enable row level security;
  grant select, insert, update on realtime.messages to anon, authenticated, service_role;

  create or replace function realtime.topic() returns text language sql stable as $fn$
    select nullif(current_setting('realtime.topic', true), '')::text;
  $fn$;

  -- Supabase's definition: runs with the caller's rights (so RLS on realtime.messages applies to
  -- a caller without BYPASSRLS) and turns any failure into a warning instead of failing the caller.
  create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
  returns void language plpgsql as $fn$
  declare
    generated_id uuid;
    final_payload jsonb;
  begin
    begin
      generated_id := gen_random_uuid();
      if payload ? 'id' then
        final_payload := payload;
      else
        final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
      end if;
      execute format('set local realtime.topic to %L', topic);
      insert into realtime.messages (id, payload, event, topic, private, extension)
      values (generated_id, final_payload, event, topic, private, 'broadcast');
    exception
      when others then
        raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
    end;
  end;
  $fn$;

  create or replace function realtime.send_binary(payload bytea, event text, topic text, private boolean default true)
  returns void language plpgsql as $fn$
  declare
    generated_id uuid;
  begin
    begin
      generated_id := gen_random_uuid();
      execute format('set local realtime.topic to %L', topic);
      insert into realtime.messages (id, binary_payload, event, topic, private, extension)
      values (generated_id, payload, event, topic, private, 'broadcast');
    exception
      when others then
        raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
    end;
  end;
  $fn$;

  create or replace function realtime.broadcast_changes(
    topic_name text, event_name text, operation text, table_name text, table_schema text,
    new record, old record, level text default 'ROW'
  ) returns void language plpgsql as $fn$
  declare
    row_data jsonb := '{}'::jsonb;
  begin
    if level = 'STATEMENT' then
      raise exception 'function can only be triggered for each row, not for each statement';
    end if;
    if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
      row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation, 'table', table_name, 'schema', table_schema);
      perform realtime.send(row_data, event_name, topic_name);
    else
      raise exception 'Unexpected operation type: %', operation;
    end if;
  exception
    when others then
      raise exception 'Failed to process the row: %', sqlerrm;
  end;
  $fn$;

  grant execute on function realtime.topic(), realtime.send(jsonb, text, text, boolean),
    realtime.send_binary(bytea, text, text, boolean),
    realtime.broadcast_changes(text, text, text, text, text, record, record, text)
    to anon, authenticated, service_role;

  create or replace function realtime.notify_message() returns trigger
  language plpgsql security definer set search_path = '' as $fn$
  begin
    perform pg_notify('${MESSAGES_CHANNEL}', new.id::text);
    return null;
  end
  $fn$;
  revoke all on function realtime.notify_message() from public;
  if not exists (select 1 from pg_trigger where tgname = 'realtime_notify_message' and tgrelid = 'realtime.messages'::regclass) then
    create trigger realtime_notify_message after insert on realtime.messages
      for each row execute function realtime.notify_message();
  end if;
end
$setup$;
`;

/** Creates (or refreshes) the Broadcast objects; safe to call on every start. */
export async function installBroadcastSchema(db: SqlExecutor): Promise<void> {
  await db.query(SETUP_SQL);
}

/** Supabase's janitor keeps three days of messages. */
export async function pruneMessages(db: SqlExecutor): Promise<void> {
  await db.query(`delete from realtime.messages where inserted_at < now() - interval '72 hours'`);
}
