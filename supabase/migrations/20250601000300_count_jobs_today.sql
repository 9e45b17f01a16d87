-- Per-user daily quota for the upload endpoint, called through rpc. security definer so the count
-- sees every job of the user whatever RLS says; a signed-in user may count only their own jobs
-- (another user's id counts 0), the service role (and a direct connection, with no claims) any user's.
create or replace function public.count_jobs_today(p_user_id uuid) returns integer
language sql stable security definer
set search_path = ''
as $$
  select count(*)::integer
  from public.video_jobs
  where user_id = p_user_id
    and created_at > now() - interval '24 hours'
    and (coalesce(auth.role(), 'service_role') = 'service_role' or p_user_id = auth.uid())
$$;

revoke execute on function public.count_jobs_today(uuid) from public, anon, authenticated;
grant execute on function public.count_jobs_today(uuid) to authenticated, service_role;
