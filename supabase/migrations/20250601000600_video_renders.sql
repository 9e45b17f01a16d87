-- One row per job and output format: the Remotion render currently answering for it. The render step
-- reserves the row ('starting') before it asks Remotion for a paid render and records Remotion's
-- renderId right after ('rendering'); a redelivered event, a retry or the sweeper finds the row and
-- resumes that render instead of starting a second one. Remotion's webhook moves it to 'succeeded',
-- 'failed' or 'timeout'; a webhook naming another renderId (an earlier, superseded attempt) is late
-- and changes nothing. `format` is 'landscape' until jobs ask for several formats.
create table if not exists public.video_renders (
  job_id uuid not null references public.video_jobs (id) on delete cascade,
  format text not null default 'landscape',
  status text not null default 'starting'
    constraint video_renders_status_check
    check (status in ('starting', 'rendering', 'succeeded', 'failed', 'timeout')),
  attempt integer not null default 1,
  render_id text,
  bucket_name text,
  error text,
  cost_usd double precision,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (job_id, format)
);

-- The render concurrency limit counts the renders in flight.
create index if not exists video_renders_in_flight_idx on public.video_renders (status) where status in ('starting', 'rendering');

drop trigger if exists video_renders_touch_updated_at on public.video_renders;
create trigger video_renders_touch_updated_at
  before update on public.video_renders
  for each row execute function public.video_jobs_touch_updated_at();

-- Bookkeeping of the pipeline's own: the handlers (service role) only.
alter table public.video_renders enable row level security;
grant all on public.video_renders to service_role;
