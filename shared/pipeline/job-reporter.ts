import type { DomainEvents, JobStatusChanged } from '../ports/domain-events';
import type { JobStatus } from '../domain/job-status';
import type { JobStore } from '../ports/job-store';
import type { VideoJob } from '../domain/video-job';
import type { Logger } from '../ports/logger';
import { scrubInternals } from '../domain/user-message';

/** What a status change may tell beside the row: the videos made, the formats given up. */
type StatusExtras = Pick<JobStatusChanged, 'videoUrl' | 'videos' | 'failedFormats'>;

const ACTIVE: readonly JobStatus[] = ['pending_upload', 'queued', 'generating', 'rendering'];

/**
 * Writes a job's progress and outcome where the web app sees them (the row, heard over Realtime)
 * and where other services see them (the domain event bus).
 */
export class JobReporter {
  private lastWrite = new Map<string, { at: number; progress: number }>();

  constructor(
    private readonly jobs: JobStore,
    private readonly events: DomainEvents,
    private readonly logger: Logger,
    private readonly minIntervalMs = 1000,
  ) {}

  async statusChanged(job: VideoJob, extra: StatusExtras = {}): Promise<void> {
    this.logger.log('info', `job ${job.status}`, { jobId: job.id, status: job.status, progress: job.progress });
    await this.events.jobStatusChanged({ jobId: job.id, userId: job.user_id, status: job.status, progress: job.progress, ...(job.error ? { error: job.error } : {}), ...extra });
  }

  /**
   * Progress while a stage runs: at most one write a second and only forward, so a render's
   * hundreds of callbacks cost a handful of row updates. Only applies while the job is in `status`.
   */
  async progress(jobId: string, status: JobStatus, progress: number): Promise<void> {
    const value = Math.max(0, Math.min(100, Math.round(progress)));
    const last = this.lastWrite.get(jobId);
    const now = Date.now();
    if (last && (value <= last.progress || now - last.at < this.minIntervalMs)) return;
    this.lastWrite.set(jobId, { at: now, progress: value });
    try {
      await this.jobs.updateWhere(jobId, [status], { progress: value });
    } catch (err) {
      // Progress is a courtesy: a failed write must not fail the render.
      this.logger.log('warn', 'progress not recorded', { jobId, error: (err as Error).message });
    }
  }

  /** Records a failure the user can read, unless the job already ended. Internals that slipped into `reason` are scrubbed. */
  async fail(job: Pick<VideoJob, 'id'>, reason: string, extra: StatusExtras = {}): Promise<VideoJob | null> {
    this.lastWrite.delete(job.id);
    const failed = await this.jobs.updateWhere(job.id, ACTIVE, { status: 'failed', error: scrubInternals(reason) });
    if (failed) await this.statusChanged(failed, extra);
    return failed;
  }

  forget(jobId: string): void {
    this.lastWrite.delete(jobId);
  }
}
