import type { DomainEvents } from '../ports/domain-events';
import { JobStateError } from '../domain/errors';
import type { JobStore } from '../ports/job-store';
import type { VideoJob } from '../domain/video-job';
import type { Logger } from '../ports/logger';
import type { ObjectStore } from '../ports/object-store';

export interface ReplayDeps {
  jobs: JobStore;
  store: Pick<ObjectStore, 'head' | 'touch'>;
  events: Pick<DomainEvents, 'replayRequested'>;
  logger: Logger;
}

export interface ReplayRequester {
  /** Who asks: a user id, or a name such as `operator:cli`. Recorded on the replay event. */
  requestedBy: string;
  /** When set, only the job's owner may replay it (the web route); the operator's CLI passes none. */
  ownerId?: string;
}

/** A replay was refused because the job is not there (or not the caller's): answered 404. */
export class JobNotFoundError extends JobStateError {
  constructor(jobId: string) {
    super(`No job ${jobId} was found.`, { jobId });
  }
}

/**
 * Runs a failed job again from its source photo, through the same event path as a first upload:
 * a compare-and-set moves it from `failed` to `queued` with its attempts reset (so two replays at
 * once start it once), the replay is announced on the domain bus, and a self-copy of the photo emits
 * a fresh Object Created event that the LTX step claims like any other delivery.
 */
export async function replayJob(deps: ReplayDeps, jobId: string, requester: ReplayRequester): Promise<VideoJob> {
  const job = await deps.jobs.get(jobId);
  // Someone else's job is reported as missing: its existence is not the caller's business.
  if (!job || (requester.ownerId !== undefined && job.user_id !== requester.ownerId)) throw new JobNotFoundError(jobId);
  if (job.status !== 'failed') {
    throw new JobStateError(`Job ${jobId} is ${job.status}; only a failed job can be replayed.`, { jobId, status: job.status });
  }
  if (!job.source_key || !(await deps.store.head(job.source_key))) {
    throw new JobStateError(`Job ${jobId} cannot be replayed: its source photo is no longer in the bucket. Upload the photo again.`, { jobId });
  }
  const queued = await deps.jobs.updateWhere(jobId, ['failed'], { status: 'queued', progress: 0, error: null, attempts: 0 }, job.attempts);
  if (!queued) throw new JobStateError(`Job ${jobId} was replayed by another request already.`, { jobId });
  try {
    await deps.events.replayRequested({ jobId, userId: job.user_id, sourceKey: job.source_key, requestedBy: requester.requestedBy });
    await deps.store.touch(job.source_key);
  } catch (err) {
    // Nothing was started: put the job back as it was, so the caller can simply ask again.
    await deps.jobs.updateWhere(jobId, ['queued'], { status: 'failed', error: job.error, attempts: job.attempts }, 0).catch(() => null);
    throw err;
  }
  deps.logger.log('info', 'job replayed', { jobId, requestedBy: requester.requestedBy, previousError: job.error });
  return queued;
}
