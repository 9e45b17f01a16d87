import type { PipelineConfig } from '../config';
import { describeError } from '../domain/errors';
import type { JobReporter } from './job-reporter';
import type { JobStatus } from '../domain/job-status';
import type { JobStore } from '../ports/job-store';
import type { VideoJob } from '../domain/video-job';
import { ltxVideoKey } from '../domain/keys';
import { clipOrientationsFor } from '../domain/video-formats';
import { findDeliverables } from './deliverables';
import type { Logger } from '../ports/logger';
import type { ObjectStore } from '../ports/object-store';

export interface SweepDeps {
  store: ObjectStore;
  jobs: JobStore;
  reporter: JobReporter;
  logger: Logger;
  config: Pick<PipelineConfig, 'stuckJobMinutes' | 'maxJobAttempts' | 'uploadUrlTtlSeconds'>;
}

export interface SweepResult {
  examined: number;
  redriven: number;
  failed: number;
  errors: number;
  /** Finished renders whose row was missing, handed back to the render step to record (no deadline). */
  reconciled: number;
}

/**
 * `queued` is not here: a queued job waits its turn in the LTX queue, which holds it (retries, dead
 * letters) and whose age-of-oldest-message alarm watches it. Redriving it would put a duplicate
 * message behind it every sweep, snowballing a backlog.
 */
const ACTIVE: readonly JobStatus[] = ['generating', 'rendering'];

/**
 * Finds jobs whose function died mid-stage (no row change for `stuckJobMinutes`) and restarts each
 * from its last durable artefact: the finished render, else the LTX clip, else the photo. A restart
 * is an S3 copy of the artefact onto itself, so it re-enters through the same Object Created event
 * path, with the same claims and idempotency as a first delivery. Jobs out of attempts, or whose
 * artefacts are gone, are failed with a reason. `olderThan` overrides the deadline (the local stack
 * passes its own start time: anything older was in flight when the previous process died).
 */
export async function sweepStuckJobs(deps: SweepDeps, now = new Date(), olderThan?: Date): Promise<SweepResult> {
  const result: SweepResult = { examined: 0, redriven: 0, failed: 0, errors: 0, reconciled: 0 };
  await reconcileFinishedRenders(deps, result);
  const stuckBefore = olderThan ?? new Date(now.getTime() - deps.config.stuckJobMinutes * 60_000);
  // An upload link can be used until it expires; only after that is a missing photo final.
  const uploadBefore = new Date(Math.min(stuckBefore.getTime(), now.getTime() - 2 * deps.config.uploadUrlTtlSeconds * 1000));
  const stale = [
    ...(await deps.jobs.listStale(ACTIVE, stuckBefore, 100)),
    // A photo that did arrive but whose event was lost (the database was down) is as stuck as a queued job.
    ...(await deps.jobs.listStale(['pending_upload'], stuckBefore, 100)),
  ];
  for (const job of stale) {
    result.examined++;
    try {
      const action = await redrive(deps, job, uploadBefore);
      if (action === 'failed') result.failed++;
      if (action === 'redriven') result.redriven++;
    } catch (err) {
      result.errors++;
      deps.logger.log('error', 'stuck job not handled', { jobId: job.id, error: describeError(err) });
    }
  }
  if (result.examined > 0 || result.reconciled > 0) deps.logger.log('info', 'sweep finished', { ...result });
  return result;
}

/**
 * The reconciler: a job still `rendering` whose every format's render and poster are in the bucket
 * finished its renders, but the rows were not written (the database failed right then). That needs
 * no deadline: a clip is copied onto itself and the render step, seeing the deliverables, only writes
 * the rows. A job with some formats still rendering is left to their webhooks (and to the stale scan).
 */
async function reconcileFinishedRenders(deps: SweepDeps, result: SweepResult): Promise<void> {
  let rendering: VideoJob[];
  try {
    rendering = await deps.jobs.listByStatus(['rendering'], 100);
  } catch (err) {
    result.errors++;
    deps.logger.log('error', 'reconcile scan failed', { error: describeError(err) });
    return;
  }
  for (const job of rendering) {
    try {
      if (!(await allDelivered(deps.store, job))) continue;
      const clipKey = firstClipKey(job);
      if (!(await deps.store.head(clipKey))) continue;
      deps.logger.log('info', 'finished render without its row, redriven from its clip', { jobId: job.id, clipKey });
      await deps.store.touch(clipKey);
      result.reconciled++;
    } catch (err) {
      result.errors++;
      deps.logger.log('error', 'finished render not reconciled', { jobId: job.id, error: describeError(err) });
    }
  }
}

async function redrive(deps: SweepDeps, job: VideoJob, uploadBefore: Date): Promise<'redriven' | 'failed' | 'skipped'> {
  const { store, jobs, reporter, logger } = deps;
  const exists = async (key: string | null) => Boolean(key && (await store.head(key)));
  if (job.attempts >= deps.config.maxJobAttempts && job.status !== 'pending_upload') {
    await reporter.fail(job, `The job stopped responding and ran out of attempts (${job.attempts}). ${job.error ?? ''}`.trim());
    return 'failed';
  }
  const clipKey = firstClipKey(job);
  if (job.status === 'rendering' || job.status === 'generating') {
    const clipKeys = clipOrientationsFor(job.options.formats).map((o) => ltxVideoKey(job.user_id, job.id, o));
    if ((await Promise.all(clipKeys.map((k) => exists(k)))).every(Boolean)) {
      // A clip's event again (every clip the job needs is there): a rendering job's renders are
      // resumed from their records (each finished from its output, retried, or left running), never
      // started twice; a generating one is rendered. A job missing a clip is redriven from its photo
      // below: the LTX step makes only the clips that are missing.
      logger.log('info', 'stuck job redriven from its clip', { jobId: job.id, clipKey, status: job.status, finished: await allDelivered(store, job) });
      await store.touch(clipKey);
      return 'redriven';
    }
  }
  if (!(await exists(job.source_key))) {
    // An upload link can still be used until it expires.
    if (job.status === 'pending_upload' && new Date(job.updated_at) >= uploadBefore) return 'skipped';
    const reason =
      job.status === 'pending_upload'
        ? 'The photo never arrived: the upload link expired before it was used. Start a new upload.'
        : 'The source photo is no longer in the bucket, so the job cannot be restarted.';
    await reporter.fail(job, reason);
    return 'failed';
  }
  const requeued = await jobs.updateWhere(job.id, [job.status], { status: 'queued', progress: 0 }, job.attempts);
  if (!requeued) return 'skipped';
  logger.log('info', 'stuck job redriven from its photo', { jobId: job.id, from: job.status });
  await store.touch(job.source_key!);
  return 'redriven';
}

/** The key the render step is redriven through: the job's first clip (landscape when it has one). */
function firstClipKey(job: VideoJob): string {
  return ltxVideoKey(job.user_id, job.id, clipOrientationsFor(job.options.formats)[0]);
}

async function allDelivered(store: Pick<ObjectStore, 'head'>, job: VideoJob): Promise<boolean> {
  const found = await Promise.all(job.options.formats.map((f) => findDeliverables(store, job, f)));
  return found.every(Boolean);
}
