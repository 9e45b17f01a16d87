import type { SupabaseClient } from '@supabase/supabase-js';
import type { VideoJob } from '../shared/domain/video-job';
import { JobFailedError } from '../web/client/client-errors';
import type { FormatFailure, FormatVideo } from '../web/client/job-outputs';
import { watchJob } from '../web/client/watch-job';
import type { ProgressDisplay } from './progress-display';

export interface JobOutcome {
  jobId: string;
  status: 'completed' | 'failed' | 'timed_out';
  job: VideoJob | null;
  /** One row per format made, in the canonical order; empty unless completed. */
  videos: FormatVideo[];
  /** The first of `videos` (a one-format job's video), as before formats. */
  video: FormatVideo | null;
  /** Formats asked for that did not come out (a completed job whose `error` names them). */
  failures: FormatFailure[];
  error: string | null;
}

/**
 * Follows each job to its end over Realtime (the same `watchJob` the web page uses, signed in as the
 * service role), drawing a progress bar per job, until all ended or `timeoutMs` passed.
 */
export async function followJobs(
  supabase: SupabaseClient,
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
        const done = await watchJob(supabase, jobId, {
          signal,
          onChange: (job) => {
            last = job;
            display.update(jobId, { label, status: job.status, progress: job.progress, note: job.error && job.status !== 'failed' ? job.error : undefined });
          },
        });
        const note = done.failures.length > 0 ? `${done.videos.length} of ${done.videos.length + done.failures.length} formats made` : `${done.videos.length} video${done.videos.length === 1 ? '' : 's'}`;
        display.update(jobId, { label, status: 'completed', progress: 100, note });
        return { jobId, status: 'completed', job: done.job, videos: done.videos, video: done.video, failures: done.failures, error: done.job.error } satisfies JobOutcome;
      } catch (err) {
        if (err instanceof JobFailedError) {
          display.update(jobId, { label, status: 'failed', progress: err.job.progress, note: err.message });
          return { jobId, status: 'failed', job: err.job, videos: [], video: null, failures: [], error: err.message } satisfies JobOutcome;
        }
        if (signal.aborted) {
          const message = `still not finished after ${Math.round(timeoutMs / 1000)} s`;
          return { jobId, status: 'timed_out', job: last, videos: [], video: null, failures: [], error: message } satisfies JobOutcome;
        }
        throw err;
      }
    }),
  );
}
