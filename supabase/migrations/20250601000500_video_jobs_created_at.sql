-- The service-wide daily cap counts every user's jobs of the last 24 hours on each upload request:
-- an index on created_at alone keeps that a range scan however many jobs the table holds.
create index if not exists video_jobs_created_at_idx on public.video_jobs (created_at);
