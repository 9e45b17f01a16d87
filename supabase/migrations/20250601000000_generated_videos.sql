-- generated_videos already exists in production: create it only where it is missing and never
-- drop or alter its columns. One row per finished video, inserted by the render step.
create table if not exists public.generated_videos (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  title text,
  subtitle text,
  video_url text,
  thumbnail_url text,
  filename text,
  file_size_mb numeric,
  duration_seconds numeric,
  resolution text,
  camera_prompt text,
  music_file text,
  status text,
  generation_time_seconds numeric,
  created_at timestamptz not null default now()
);

create index if not exists generated_videos_user_id_created_at_idx
  on public.generated_videos (user_id, created_at desc);

-- A signed-in user reads only their own videos; only the service role (which bypasses RLS) writes.
alter table public.generated_videos enable row level security;

drop policy if exists "generated_videos: owners read" on public.generated_videos;
create policy "generated_videos: owners read" on public.generated_videos
  for select to authenticated
  using (user_id = (select auth.uid()));

grant select on public.generated_videos to anon, authenticated;
grant all on public.generated_videos to service_role;
