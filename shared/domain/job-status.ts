import { JobStateError } from './errors';

/** The states of a `video_jobs` row and the moves between them. */
export const JOB_STATUSES = ['pending_upload', 'queued', 'generating', 'rendering', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  // The browser asked for an upload URL; the object-created event moves it on.
  pending_upload: ['queued', 'generating', 'failed'],
  // The photo is in the bucket; the LTX step claims it. queued → queued: the sweeper redrives it.
  queued: ['generating', 'queued', 'failed'],
  // LTX is working; back to queued when the attempt failed and will be retried, or the job stalled.
  generating: ['rendering', 'queued', 'failed'],
  // Remotion is working; back to generating (the clip is kept) when a render failed or stalled, or to
  // queued when even the clip is gone and only the photo remains.
  rendering: ['completed', 'generating', 'queued', 'failed'],
  completed: [],
  // A replay starts a failed job again from its source photo.
  failed: ['queued'],
};
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * A compare-and-set from any of `from` to `to` must be a move the table allows: a forbidden one is a
 * bug in the caller, not a race, so every job store refuses it before touching the row.
 */
export function assertTransitions(jobId: string, from: readonly JobStatus[], to: JobStatus | undefined): void {
  const illegal = to === undefined ? undefined : from.find((f) => !canTransition(f, to));
  if (illegal !== undefined) throw new JobStateError(`a job may not move from ${illegal} to ${to}`, { jobId, from: illegal, to });
}

export function isTerminal(status: JobStatus): boolean {
  return status === 'completed' || status === 'failed';
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}
