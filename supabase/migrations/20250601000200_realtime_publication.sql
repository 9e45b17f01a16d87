-- Both tables are heard over Supabase Realtime (postgres_changes). Guarded so re-running, or a
-- project where the publication or its members exist already, changes nothing.
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
  if not exists (
    select 1 from pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'generated_videos'
  ) then
    alter publication supabase_realtime add table public.generated_videos;
  end if;
  if not exists (
    select 1 from pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'video_jobs'
  ) then
    alter publication supabase_realtime add table public.video_jobs;
  end if;
end
$$;
