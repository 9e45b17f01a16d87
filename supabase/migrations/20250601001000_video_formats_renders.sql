-- Issue 15: a job renders every format it asked for ('16:9', '9:16', '4:5', '1:1'), each its own
-- Remotion render and its own generated_videos row.
--
-- video_renders keeps one row per job and format; `format` is now the format's id. The one format
-- every job had before was called 'landscape': its rows become '16:9' (the webhook of a render started
-- before this migration still says 'landscape' in its customData, and the pipeline reads that as '16:9').
alter table public.video_renders alter column format set default '16:9';
update public.video_renders set format = '16:9' where format = 'landscape';
alter table public.video_renders drop constraint if exists video_renders_format_check;
alter table public.video_renders add constraint video_renders_format_check
  check (format in ('16:9', '9:16', '4:5', '1:1'));
-- A render that ended without output may be retried (its format alone) until the job's attempts are
-- spent, unless its cause cannot be cured by another attempt: then the format is given up at once.
alter table public.video_renders add column if not exists retryable boolean not null default true;

-- video_jobs.generated_video_ids (the rows of the formats that succeeded, canonical order, written
-- with the job's completion; generated_video_id stays the first of them) is added by
-- 20250601000800_video_jobs_generated_video_ids.sql.
