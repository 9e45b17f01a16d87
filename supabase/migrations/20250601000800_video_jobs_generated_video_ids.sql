alter table public.video_jobs add column if not exists generated_video_ids uuid[];
