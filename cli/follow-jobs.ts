import type { SupabaseClient } from '@supabase/supabase-js';
import type { GeneratedVideo, VideoJob } from '../shared/domain/video-job';
import { JobFailedError } from '../web/client/client-errors';
import { watchJob } from '../web/client/watch-job';
import type { ProgressDisplay } from './progress-display';

export interface JobOutcome {
  jobId: string;
  status: 'completed' | 'failed' | 'timed_out';
  job: VideoJob | null;
  video: GeneratedVideo | null;
  error: string | null;
}

/**
 * Follows each job to its end over Realtime (the same `watchJob` the web page uses, signed in as the
 * service role), drawing a progress bar per job, until all ended or `timeoutMs` passed.
 */
export async function followJobs(
  supabase: SupabaseClient,
  getJob: (jobId: string) => Promise<VideoJob | null>,
  jobs: Array<{ jobId: string; label: string }>,
  display: ProgressDisplay,
  timeoutMs: number,
): Promise<JobOutcome[]> {
  return Promise.all(
    jobs.map(async ({ jobId, label }) => {
      let last: VideoJob | null = null;
      display.update(jobId, { label, status: 'waiting', progress: 0 });
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const video = await watchJob(supabase, jobId, {
          signal,
          onChange: (job) => {
            last = job;
            display.update(jobId, { label, status: job.status, progress: job.progress, note: job.error && job.status !== 'failed' ? job.error : undefined });
          },
        });
        display.update(jobId, { label, status: 'completed', progress: 100, note: video.video_url });
        return { jobId, status: 'completed', job: await completedRow(getJob, jobId), video, error: null } satisfies JobOutcome;
      } catch (err) {
        if (err instanceof JobFailedError) {
          display.update(jobId, { label, status: 'failed', progress: err.job.progress, note: err.message });
          return { jobId, status: 'failed', job: err.job, video: null, error: err.message } satisfies JobOutcome;
        }
        if (signal.aborted) {
          const message = `still not finished after ${Math.round(timeoutMs / 1000)} s`;
          return { jobId, status: 'timed_out', job: last, video: null, error: message } satisfies JobOutcome;
        }
        throw err;
      }
    }),
  );
}

/**
 * The render step records the video, then marks the job completed: the video's insert can arrive a
 * moment before the row's last update. Read the row until it says so (briefly), to print it as it ended.
 */
async function completedRow(getJob: (jobId: string) => Promise<VideoJob | null>, jobId: string): Promise<VideoJob | null> {
  let job = await getJob(jobId);
  for (let i = 0; i < 25 && job?.status !== 'completed'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    job = await getJob(jobId);
  }
  return job;
}
