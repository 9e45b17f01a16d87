import type { VideoJob } from '../domain/video-job';
import { formatStanding, type VideoRender } from '../domain/video-render';
import type { Logger } from '../ports/logger';
import type { CompleteRenderDeps } from './complete-render';

export type RenderFailureDeps = CompleteRenderDeps & { logger: Logger };

/**
 * One format's render ended without its output, and its row says so (`render`, as just recorded).
 * With attempts left and a cause worth retrying, that format alone is retried: the job stays
 * `rendering`, the other formats' renders and rows are untouched, and the job's row says what is being
 * retried (the caller brings the next attempt: at once, or by the clip's event). Otherwise the format
 * is given up (the caller then settles the job: it ends if that was the last format still open).
 */
export async function formatFailed(deps: RenderFailureDeps, job: VideoJob, render: VideoRender, reason: string): Promise<'retrying' | 'given_up'> {
  const format = render.format;
  if (formatStanding(render, deps.config.maxJobAttempts) === 'pending') {
    deps.logger.log('warn', 'render failed, will retry', { jobId: job.id, format, attempt: render.attempt, error: reason });
    const note = job.options.formats.length === 1 ? `Retrying after: ${reason}` : `Retrying the ${format} video after: ${reason}`;
    await deps.jobs.updateWhere(job.id, ['rendering'], { error: note });
    return 'retrying';
  }
  deps.logger.log('error', 'render failed, format given up', { jobId: job.id, format, attempt: render.attempt, error: reason });
  return 'given_up';
}
