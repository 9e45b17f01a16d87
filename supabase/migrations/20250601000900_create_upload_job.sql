-- POST /uploads in one round trip: the user's count of jobs since p_since and the new job's insert,
-- decided together. A per-user advisory lock, held to the end of the transaction, makes two uploads of
-- the same user at once count one after the other, so the daily limit is exact without a second
-- request to re-list and undo (uploads of different users never wait for each other).
-- Returns {"used": n} when the user already has p_limit jobs (nothing is written), else
-- {"used": n, "job": <the row>}; the same id twice returns the stored row (idempotent).
-- p_limit null: no per-user limit. The handlers' service role only.
create or replace function public.create_upload_job(
  p_id uuid,
  p_user_id uuid,
  p_options jsonb,
  p_source_key text,
  p_since timestamptz,
  p_limit integer default null
) returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_used integer;
  v_row public.video_jobs;
begin
  perform pg_advisory_xact_lock(hashtextextended('video_jobs.daily_limit:' || p_user_id::text, 0));
  select count(*)::integer into v_used
  from public.video_jobs
  where user_id = p_user_id and created_at >= p_since;
  select * into v_row from public.video_jobs where id = p_id;
  if found then
    return jsonb_build_object('used', v_used, 'job', to_jsonb(v_row));
  end if;
  if p_limit is not null and v_used >= p_limit then
    return jsonb_build_object('used', v_used);
  end if;
  insert into public.video_jobs (id, user_id, status, options, origin, source_key)
  values (p_id, p_user_id, 'pending_upload', p_options, 'upload', p_source_key)
  returning * into v_row;
  return jsonb_build_object('used', v_used + 1, 'job', to_jsonb(v_row));
end
$$;

revoke execute on function public.create_upload_job(uuid, uuid, jsonb, text, timestamptz, integer) from public, anon, authenticated;
grant execute on function public.create_upload_job(uuid, uuid, jsonb, text, timestamptz, integer) to service_role;
