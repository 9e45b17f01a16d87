-- What each job cost, in US dollars, for the web team's and the operator's reading: the LTX clip
-- (seconds of output video times the configured price of its model and resolution, written by the
-- LTX step when the clip is stored) and the Remotion render (Remotion's reported cost, poster
-- included, copied from video_renders.cost_usd when the render succeeds). NULL: not incurred yet, or
-- not known (a job that failed before LTX answered). Both are set, never added to, so a redelivered
-- event or a repeated webhook cannot count a cost twice.
alter table public.video_jobs add column if not exists ltx_cost_usd numeric;
alter table public.video_jobs add column if not exists render_cost_usd numeric;
