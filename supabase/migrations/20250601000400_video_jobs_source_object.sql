-- One job per source object, and an object is its key and its content: a photo dropped again under
-- the same name (another ETag) is a new job, as its derived job id already says. The unique key on
-- source_key alone refused that second job, so the re-dropped photo was lost. Upload jobs have no
-- ETag until their photo lands, and their keys are unique anyway (the job id is in the key).
drop index if exists public.video_jobs_source_key_key;
create unique index if not exists video_jobs_source_object_key on public.video_jobs (source_key, source_etag);
