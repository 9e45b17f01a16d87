-- One row per job: how the frontend shows progress and failures, and how handlers claim work
-- idempotently. The id is the job id the app (or the ltx handler, for operator uploads) chooses.
create table if not exists public.video_jobs (
  id uuid primary key,
  user_id uuid not null,
  status text not null default 'pending_upload'
    constraint video_jobs_status_check
    check (status in ('pending_upload', 'queued', 'generating', 'rendering', 'completed', 'failed')),
  progress integer not null default 0
    constraint video_jobs_progress_check check (progress between 0 and 100),
  error text,
  source_key text,
  source_etag text,
  ltx_key text,
  video_key text,
  thumbnail_key text,
  options jsonb not null default '{}'::jsonb,
  origin text not null default 'upload'
    constraint video_jobs_origin_check check (origin in ('upload', 'operator')),
  attempts integer not null default 0,
  ltx_request_id text,
  generated_video_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One job per source object: a second delivery of the same S3 event finds the existing job.
create unique index if not exists video_jobs_source_key_key on public.video_jobs (source_key);
create index if not exists video_jobs_user_id_created_at_idx on public.video_jobs (user_id, created_at desc);

create or replace function public.video_jobs_touch_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

drop trigger if exists video_jobs_touch_updated_at on public.video_jobs;
create trigger video_jobs_touch_updated_at
  before update on public.video_jobs
  for each row execute function public.video_jobs_touch_updated_at();

-- UPDATE and DELETE events over Realtime carry the old row only with replica identity full.
alter table public.video_jobs replica identity full;

alter table public.video_jobs enable row level security;

drop policy if exists "video_jobs: owners read" on public.video_jobs;
create policy "video_jobs: owners read" on public.video_jobs
  for select to authenticated
  using (user_id = (select auth.uid()));

grant select on public.video_jobs to anon, authenticated;
grant all on public.video_jobs to service_role;
