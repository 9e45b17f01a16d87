import { createReadStream } from 'node:fs';
import type { PipelineConfig } from '../config';
import { describeError, isRetryable, ValidationError } from '../domain/errors';
import { checkImageSize, checkPhotoBytes, MAX_IMAGE_BYTES } from '../domain/image-check';
import { optionsForNewPhoto, optionsToMetadata } from '../domain/job-metadata';
import { userMessageFor } from '../domain/user-message';
import type { JobReporter } from './job-reporter';
import type { JobStore } from '../ports/job-store';
import type { VideoJob } from '../domain/video-job';
import { isUuid, ltxVideoKey } from '../domain/keys';
import { derivedJobId } from '../domain/derived-job-id';
import type { Logger } from '../ports/logger';
import type { DroppedPhoto, PipelineObject, UploadedPhoto } from '../domain/pipeline-object';
import type { ObjectStore, PutOptions } from '../ports/object-store';
import type { VideoGenerator } from '../ports/video-generator';
import type { StepOutcome } from './step-outcome';
import { chooseImageUri, dataUriLength } from '../domain/ltx/image-uri';
import { LTX_MAX_DATA_URI_BYTES } from '../domain/ltx/ltx-limits';
import { ltxClipPlans, type LtxClipPlan } from '../domain/ltx/ltx-clip-plan';
import { ltxClipCostUsd, ltxJobCost, roundUsd } from '../domain/ltx/ltx-prices';

export interface LtxStepDeps {
  store: ObjectStore;
  jobs: JobStore;
  generator: VideoGenerator;
  reporter: JobReporter;
  logger: Logger;
  config: Pick<PipelineConfig, 'jobDefaults' | 'operatorUserId' | 'maxJobAttempts' | 'ltxPrices'>;
}


/**
 * `images/` Object Created → the job's clips under `ltx-videos/`, one per orientation its formats need
 * (landscape for 16:9, portrait for 9:16, 4:5 and 1:1), one after the other. Safe under at-least-once delivery:
 * only the delivery that claims the job (a compare-and-set on its status) calls LTX; every other
 * delivery of the same object is skipped. Transient failures release the claim and throw, so the
 * event's retry picks the job up again; permanent ones mark the job failed with a reason.
 */
export async function runLtxStep(deps: LtxStepDeps, object: PipelineObject): Promise<StepOutcome> {
  const { logger } = deps;
  if (object.kind !== 'uploaded-photo' && object.kind !== 'dropped-photo') return { outcome: 'skipped', reason: `${object.key} is not a photo under images/` };

  const job = await findOrCreateJob(deps, object);
  if ('skipped' in job) return { outcome: 'skipped', reason: job.skipped };
  if (job.status !== 'pending_upload' && job.status !== 'queued') {
    return { outcome: 'skipped', jobId: job.id, reason: `job is already ${job.status}` };
  }
  if (job.attempts >= deps.config.maxJobAttempts) {
    await deps.reporter.fail(job, `Video generation gave up after ${job.attempts} attempts. ${job.error ?? ''}`.trim());
    return { outcome: 'failed', jobId: job.id, reason: 'attempts exhausted' };
  }
  const claimed = await deps.jobs.updateWhere(
    job.id,
    ['pending_upload', 'queued'],
    { status: 'generating', progress: 5, attempts: job.attempts + 1, source_etag: object.etag, error: null },
    job.attempts,
  );
  if (!claimed) return { outcome: 'skipped', jobId: job.id, reason: 'another delivery claimed the job' };
  await deps.reporter.statusChanged(claimed);

  try {
    await generateClips(deps, claimed, object);
    return { outcome: 'done', jobId: claimed.id };
  } catch (err) {
    // The whole error goes to the log; the row gets the user's sentence for it (user-message.ts).
    const reason = describeError(err);
    const message = userMessageFor(err, 'generation');
    if (isRetryable(err) && claimed.attempts < deps.config.maxJobAttempts) {
      logger.log('warn', 'ltx step failed, will retry', { jobId: claimed.id, attempt: claimed.attempts, error: reason });
      // Release the claim so the retried delivery can take it again.
      await deps.jobs.updateWhere(claimed.id, ['generating'], { status: 'queued', progress: 0, error: `Retrying after: ${message}` });
      deps.reporter.forget(claimed.id);
      throw err;
    }
    logger.log('error', 'ltx step failed', { jobId: claimed.id, error: reason });
    await deps.reporter.fail(claimed, isRetryable(err) ? `Video generation failed after ${claimed.attempts} attempts: ${message}` : message);
    await recordPaidClips(deps, claimed).catch((recordErr: unknown) => logger.log('warn', 'could not record the cost of the clips stored', { jobId: claimed.id, error: describeError(recordErr) }));
    return { outcome: 'failed', jobId: claimed.id, reason };
  }
}

async function generateClips(deps: LtxStepDeps, job: VideoJob, object: Photo): Promise<void> {
  const sourceKey = job.source_key ?? object.key;
  const plans = ltxClipPlans(job.options);
  // A retry after one clip was stored: the clips in the bucket were paid for, and are not asked again.
  const stored = await Promise.all(plans.map((plan) => deps.store.head(ltxVideoKey(job.user_id, job.id, plan.orientation))));
  let imageUri: string | undefined;
  const ticker = startProgressTicker(deps.reporter, job.id);
  const clips: Array<{ key: string; requestId: string }> = [];
  try {
    for (const [i, plan] of plans.entries()) {
      const key = ltxVideoKey(job.user_id, job.id, plan.orientation);
      const existing = stored[i];
      if (existing) {
        deps.logger.log('info', 'clip already stored, not generated again', { jobId: job.id, ltxKey: key, orientation: plan.orientation });
        clips.push({ key, requestId: existing.metadata['ltx-request-id'] ?? '' });
        continue;
      }
      // Sequential on purpose: the account's quota is per concurrent request (2 by default), shared by
      // every job; two clips at once would halve the jobs served and trip concurrency_limit_error.
      imageUri ??= await photoImageUri(deps, sourceKey);
      clips.push(await generateClip(deps, job, plan, key, imageUri, sourceKey));
    }
  } finally {
    ticker.stop();
  }
  // The cost is set, never added: only the delivery that claimed the job gets here, and every clip of
  // the job counts, a clip a previous attempt stored too (it was paid for then).
  const ltxCost = ltxJobCost(job.options, deps.config.ltxPrices).usd;
  const first = clips[0]!;
  // The clips' own events may already have started the render: only touch the row if they have not.
  // `attempts` restarts at 0: it counts the attempts of the stage in progress.
  const updated = await deps.jobs.updateWhere(job.id, ['generating'], { progress: 50, ltx_key: first.key, ltx_request_id: first.requestId, attempts: 0, ltx_cost_usd: ltxCost });
  // ...but the clips were paid for all the same: their cost goes on the row whatever the job's status now.
  if (!updated) await deps.jobs.updateWhere(job.id, ['queued', 'rendering', 'completed', 'failed'], { ltx_cost_usd: ltxCost });
  deps.logger.log('info', 'clips stored', { jobId: job.id, ltxKeys: clips.map((c) => c.key), ltxCostUsd: ltxCost });
}

/**
 * A job that failed after some of its clips were made (the landscape one stored, the portrait one
 * refused): those clips were paid for, and the row says so. Nothing is written when none was.
 */
async function recordPaidClips(deps: LtxStepDeps, job: VideoJob): Promise<void> {
  const plans = ltxClipPlans(job.options);
  const stored = await Promise.all(plans.map((plan) => deps.store.head(ltxVideoKey(job.user_id, job.id, plan.orientation))));
  const paid = plans.filter((_, i) => stored[i]);
  if (paid.length === 0) return;
  const usd = roundUsd(paid.reduce((sum, plan) => sum + ltxClipCostUsd(plan, deps.config.ltxPrices), 0));
  await deps.jobs.updateWhere(job.id, ['failed'], { ltx_cost_usd: usd });
}

/** The photo as LTX takes it: checked, then inline when the data URI fits LTX's limit, else by a URL. */
async function photoImageUri(deps: LtxStepDeps, sourceKey: string): Promise<string> {
  const head = await deps.store.head(sourceKey);
  if (!head) throw new ValidationError('image', `The photo ${sourceKey} is no longer in the bucket.`);
  // Read no more than the limit allows: an oversized object fails on its size before any download.
  checkImageSize(head.size);
  const bytes = await deps.store.getBytes(sourceKey, MAX_IMAGE_BYTES);
  // Dimensions by the header alone, before LTX (or anything) decodes it: a few bytes can declare gigapixels.
  const contentType = checkPhotoBytes(bytes);
  // Inline when the data URI fits LTX's limit (counted encoded: about 5.2 MB of photo), else by a URL.
  const inline = dataUriLength(bytes.length, contentType) <= LTX_MAX_DATA_URI_BYTES;
  return chooseImageUri({ bytes, contentType, size: bytes.length, presignedUrl: inline ? undefined : await deps.store.presignGet(sourceKey, 600) });
}

/** One clip: generated by its model, written to its key with the job's options and the clip's own settings. */
async function generateClip(deps: LtxStepDeps, job: VideoJob, plan: LtxClipPlan, key: string, imageUri: string, sourceKey: string): Promise<{ key: string; requestId: string }> {
  const clip = await deps.generator.generate({ imageUri, options: job.options, clip: plan });
  try {
    await putClip(deps, key, clip.path, {
      contentType: 'video/mp4',
      contentLength: clip.sizeBytes,
      metadata: {
        'job-id': job.id,
        'user-id': job.user_id,
        'ltx-request-id': clip.requestId,
        'source-key': sourceKey,
        ...optionsToMetadata(job.options),
        // The clip's own: the portrait clip's model and size are not the job's landscape ones.
        orientation: plan.orientation,
        'ltx-model': plan.model,
        'ltx-resolution': plan.resolution,
      },
    });
  } finally {
    await clip.dispose();
  }
  deps.logger.log('info', 'clip stored', { jobId: job.id, ltxKey: key, orientation: plan.orientation, model: plan.model, ltxRequestId: clip.requestId, ltxAttempts: clip.attempts });
  return { key, requestId: clip.requestId };
}

/** Attempts of the clip's upload, and the wait before the second (doubling after). */
const CLIP_PUT_ATTEMPTS = 4;
const CLIP_PUT_FIRST_DELAY_MS = 250;

/**
 * The SDK cannot retry a streamed body, and failing the step here would throw away a clip that was
 * paid for (the event's retry asks LTX again). The clip is on disk: each attempt reads it afresh.
 */
async function putClip(deps: LtxStepDeps, key: string, path: string, options: PutOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.put(key, createReadStream(path), options);
      return;
    } catch (err) {
      if (!isRetryable(err) || attempt >= CLIP_PUT_ATTEMPTS) throw err;
      const delayMs = CLIP_PUT_FIRST_DELAY_MS * 2 ** (attempt - 1);
      deps.logger.log('warn', 'clip upload failed, retrying', { key, attempt, delayMs, error: describeError(err) });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * LTX answers in one piece after 30 to 120 s with no progress of its own; the bar creeps from 5 %
 * towards 45 % on a one-minute time constant so the user sees the job is alive.
 */
function startProgressTicker(reporter: JobReporter, jobId: string): { stop(): void } {
  const started = Date.now();
  const timer = setInterval(() => {
    const t = (Date.now() - started) / 60_000;
    void reporter.progress(jobId, 'generating', 5 + 40 * (1 - Math.exp(-t)));
  }, 3000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

type Photo = UploadedPhoto | DroppedPhoto;
type ResolvedJob = VideoJob | { skipped: string };

/**
 * The job an `images/` object belongs to. An upload through the endpoint has one already (its id is
 * in the key); a photo dropped by hand gets one now, with an id derived from bucket, key and ETag so
 * every delivery of the same event finds the same job.
 */
async function findOrCreateJob(deps: LtxStepDeps, photo: Photo): Promise<ResolvedJob> {
  if (photo.kind === 'uploaded-photo') {
    const existing = await deps.jobs.get(photo.jobId);
    if (existing) {
      if (existing.user_id !== photo.userId || existing.source_key !== photo.key) {
        deps.logger.log('warn', 'object key does not match its job', { key: photo.key, jobId: existing.id });
        return { skipped: `job ${existing.id} belongs to another key` };
      }
      return existing;
    }
  }
  const head = await deps.store.head(photo.key);
  if (!head) return { skipped: `${photo.key} no longer exists` };
  const etag = head.etag ?? photo.etag;
  let jobId: string;
  let userId: string;
  if (photo.kind === 'uploaded-photo') {
    // An upload key whose job is gone (or one an operator copied in by hand): the key names both.
    ({ jobId, userId } = photo);
  } else {
    jobId = derivedJobId(photo.bucket, photo.key, etag);
    const existing = await deps.jobs.get(jobId);
    if (existing) return existing;
    const metaOwner = head.metadata['user-id'];
    userId = (isUuid(metaOwner) ? metaOwner : null) ?? photo.ownerId ?? deps.config.operatorUserId;
  }
  // Bad metadata is the operator's to fix: the job is recorded as failed with the reason, so it is seen.
  const { options, invalid } = optionsForNewPhoto(head.metadata, photo.kind === 'dropped-photo' ? photo.title : '', deps.config.jobDefaults);
  const job = await deps.jobs.createIfAbsent({
    id: jobId,
    user_id: userId,
    status: invalid ? 'failed' : 'queued',
    options,
    origin: 'operator',
    source_key: photo.key,
    source_etag: etag,
    error: invalid ?? null,
  });
  deps.logger.log('info', 'job created for a dropped photo', { jobId, key: photo.key, userId });
  await deps.reporter.statusChanged(job);
  if (invalid) return { skipped: invalid };
  return job;
}
