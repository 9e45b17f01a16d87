import type { PipelineConfig } from '../config';
import type { VideoJob } from '../domain/video-job';
import type { JobStore } from '../ports/job-store';
import type { Logger } from '../ports/logger';
import type { JobReporter } from './job-reporter';

export interface RenderFailureDeps {
  jobs: JobStore;
  reporter: JobReporter;
  logger: Logger;
  config: Pick<PipelineConfig, 'maxJobAttempts'>;
}

/**
 * A render ended without its output. With attempts left and a cause worth retrying, the job goes back
 * to `generating` (its clip is kept) and the next delivery of the clip's event, or the sweeper's
 * redrive, starts the next render; otherwise the job fails with the reason the web app shows.
 */
export async function renderFailed(deps: RenderFailureDeps, job: VideoJob, reason: string, retryable: boolean): Promise<'retrying' | 'failed'> {
  if (retryable && job.attempts < deps.config.maxJobAttempts) {
    deps.logger.log('warn', 'render failed, will retry', { jobId: job.id, attempt: job.attempts, error: reason });
    await deps.jobs.updateWhere(job.id, ['rendering'], { status: 'generating', error: `Retrying after: ${reason}` });
    deps.reporter.forget(job.id);
    return 'retrying';
  }
  deps.logger.log('error', 'render failed', { jobId: job.id, error: reason });
  await deps.reporter.fail(job, retryable ? `Rendering failed after ${job.attempts} attempts: ${reason}` : reason);
  return 'failed';
}
