import { PipelineError } from '../../shared/domain/errors';
import type { VideoJob } from '../../shared/domain/video-job';

/**
 * Errors the web client throws besides the shared `ValidationError` (a refused file or option,
 * found before any request). Each tells the caller what to show or do.
 */

/** The server (upload endpoint, storage, replay route) refused or failed a request; `message` is fit to show. */
export class RequestError extends PipelineError {
  readonly status: number;
  constructor(code: string, message: string, status: number, options: { cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, context: { status } });
    this.status = status;
  }
}

/** The job ended in `failed`: `message` is the reason the pipeline recorded; a replay may fix it. */
export class JobFailedError extends PipelineError {
  readonly jobId: string;
  readonly job: VideoJob;
  constructor(job: VideoJob) {
    super('job_failed', job.error ?? 'The video could not be made.', { context: { jobId: job.id } });
    this.jobId = job.id;
    this.job = job;
  }
}

/** What `signal.abort()` makes a pending call reject with (the DOM's own name, so `err.name === 'AbortError'` works). */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('The operation was cancelled.', 'AbortError');
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
