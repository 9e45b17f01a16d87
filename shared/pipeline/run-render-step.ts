import type { PipelineConfig } from '../config';
import { describeError, isRetryable } from '../domain/errors';
import { userMessageFor } from '../domain/user-message';
import { resolutionSize } from '../domain/job-options';
import type { JobReporter } from './job-reporter';
import type { JobStore } from '../ports/job-store';
import type { GeneratedVideo, VideoJob } from '../domain/video-job';
import { renderKey, thumbnailKey } from '../domain/keys';
import { findDeliverables, type Deliverables } from './deliverables';
import type { Logger } from '../ports/logger';
import { mediaUrl } from './media-url';
import type { PipelineObject } from '../domain/pipeline-object';
import type { ObjectStore } from '../ports/object-store';
import type { Renderer } from '../ports/renderer';
import type { StepOutcome } from './step-outcome';

export interface RenderStepDeps {
  store: ObjectStore;
  jobs: JobStore;
  renderer: Renderer;
  reporter: JobReporter;
  logger: Logger;
  config: Pick<PipelineConfig, 'bucket' | 'publicMediaBaseUrl' | 'maxJobAttempts'> & {
    renderSize?: { width: number; height: number } | undefined;
    renderFps?: number | undefined;
  };
  now?: () => Date;
}

/** Rendering occupies 55 % to 95 % of the job's progress bar. */
const RENDER_PROGRESS_FROM = 55;
const RENDER_PROGRESS_SPAN = 40;

/**
 * `ltx-videos/` Object Created → the branded video and poster, then the `generated_videos` row.
 * Only the delivery that claims the job renders. If a render finished but its row could not be
 * written (database down), the next attempt finds the deliverables in the bucket and only writes
 * the row: a finished video is never rendered twice nor lost.
 */
export async function runRenderStep(deps: RenderStepDeps, object: PipelineObject): Promise<StepOutcome> {
  if (object.kind !== 'clip') return { outcome: 'skipped', reason: object.kind === 'other' ? object.notOurs : `${object.key} is not a clip` };
  // One clip per job until jobs ask for several formats; a clip of an orientation is not this step's yet.
  if (object.orientation) return { outcome: 'skipped', jobId: object.jobId, reason: `${object.orientation} clips are not rendered: the job renders from its one clip` };
  const job = await deps.jobs.get(object.jobId);
  if (!job) return { outcome: 'skipped', jobId: object.jobId, reason: 'no job for this clip' };
  if (job.user_id !== object.userId) return { outcome: 'skipped', jobId: job.id, reason: 'the clip key names another owner' };
  const finished = job.status === 'rendering' ? await findDeliverables(deps.store, job) : null;
  if (finished) {
    // A render finished but its row was not written (the database failed right then, and the claim
    // could not be released either): this redelivery records it, without rendering again.
    deps.logger.log('info', 'finished render found without its row', { jobId: job.id });
    return finish(deps, job, job.ltx_key ?? object.key, finished);
  }
  if (job.status !== 'generating') return { outcome: 'skipped', jobId: job.id, reason: `job is ${job.status}` };
  if (job.attempts >= deps.config.maxJobAttempts && job.ltx_key) {
    await deps.reporter.fail(job, `Rendering gave up after ${job.attempts} attempts. ${job.error ?? ''}`.trim());
    return { outcome: 'failed', jobId: job.id, reason: 'attempts exhausted' };
  }
  // A clip stored before the LTX step recorded it still belongs to the job: attempts restart per stage.
  const attempts = job.ltx_key ? job.attempts : 0;
  // The status alone decides the claim: the LTX step may still be writing its own bookkeeping
  // (progress, attempts) on the row when the clip's event arrives, and that must not lose the claim.
  const claimed = await deps.jobs.updateWhere(job.id, ['generating'], {
    status: 'rendering',
    progress: RENDER_PROGRESS_FROM,
    ltx_key: object.key,
    attempts: attempts + 1,
    error: null,
  });
  if (!claimed) return { outcome: 'skipped', jobId: job.id, reason: 'another delivery claimed the job' };
  await deps.reporter.statusChanged(claimed);

  return finish(deps, claimed, object.key);
}

/** Renders (unless `finished` says it is done already), records the row and completes the job claimed in `rendering`. */
async function finish(deps: RenderStepDeps, claimed: VideoJob, clipKey: string, finished?: Deliverables): Promise<StepOutcome> {
  try {
    const row = await renderAndRecord(deps, claimed, clipKey, finished ?? (await findDeliverables(deps.store, claimed)));
    const done = await deps.jobs.updateWhere(claimed.id, ['rendering'], {
      status: 'completed',
      progress: 100,
      generated_video_id: row.id,
      video_key: renderKey(claimed.user_id, claimed.id),
      thumbnail_key: thumbnailKey(claimed.user_id, claimed.id),
      error: null,
    });
    if (done) await deps.reporter.statusChanged(done, { videoUrl: row.video_url });
    return { outcome: 'done', jobId: claimed.id };
  } catch (err) {
    // The whole error goes to the log; the row gets the user's sentence for it (user-message.ts).
    const reason = describeError(err);
    const message = userMessageFor(err, 'rendering');
    if (isRetryable(err) && claimed.attempts < deps.config.maxJobAttempts) {
      deps.logger.log('warn', 'render step failed, will retry', { jobId: claimed.id, attempt: claimed.attempts, error: reason });
      await deps.jobs.updateWhere(claimed.id, ['rendering'], { status: 'generating', error: `Retrying after: ${message}` }).catch((e: unknown) => {
        // The database may be what failed; the sweeper releases the claim once it is back.
        deps.logger.log('warn', 'claim not released', { jobId: claimed.id, error: describeError(e) });
      });
      deps.reporter.forget(claimed.id);
      throw err;
    }
    deps.logger.log('error', 'render step failed', { jobId: claimed.id, error: reason });
    await deps.reporter.fail(claimed, isRetryable(err) ? `Rendering failed after ${claimed.attempts} attempts: ${message}` : message);
    return { outcome: 'failed', jobId: claimed.id, reason };
  }
}

/** Renders unless the deliverables were `finished` already, then writes the row (idempotent by the job's id). */
async function renderAndRecord(deps: RenderStepDeps, job: VideoJob, clipKey: string, finished: Deliverables | null): Promise<GeneratedVideo> {
  const videoKey = renderKey(job.user_id, job.id);
  const posterKey = thumbnailKey(job.user_id, job.id);
  const size = deps.config.renderSize ?? resolutionSize(job.options.resolution);
  let sizeBytes: number;
  let width = size.width;
  let height = size.height;
  let durationSeconds: number = job.options.duration;
  if (finished) {
    deps.logger.log('info', 'deliverables exist already, recording them', { jobId: job.id, videoKey });
    const { size: bytes, metadata } = finished.video;
    sizeBytes = bytes;
    width = Number(metadata.width) || width;
    height = Number(metadata.height) || height;
    durationSeconds = Number(metadata['duration-seconds']) || durationSeconds;
  } else {
    const clipUrl = await deps.store.presignGet(clipKey, 3600);
    const result = await deps.renderer.render({
      jobId: job.id,
      props: {
        clipUrl,
        title: job.options.title,
        subtitle: job.options.subtitle,
        musicFile: job.options.musicFile,
        clipDurationSeconds: job.options.duration,
      },
      width: size.width,
      height: size.height,
      fps: deps.config.renderFps ?? job.options.fps,
      bucket: deps.config.bucket,
      videoKey,
      thumbnailKey: posterKey,
      onProgress: (p) => void deps.reporter.progress(job.id, 'rendering', RENDER_PROGRESS_FROM + RENDER_PROGRESS_SPAN * p),
    });
    deps.logger.log('info', 'render finished', { jobId: job.id, renderSeconds: result.renderSeconds, sizeBytes: result.sizeBytes, costUsd: result.costUsd });
    sizeBytes = result.sizeBytes;
    width = result.width;
    height = result.height;
    durationSeconds = result.durationSeconds;
  }
  const now = deps.now?.() ?? new Date();
  return deps.jobs.insertGeneratedVideo({
    id: job.id,
    user_id: job.user_id,
    title: job.options.title,
    subtitle: job.options.subtitle,
    video_url: await mediaUrl(deps.store, deps.config.publicMediaBaseUrl, videoKey),
    thumbnail_url: await mediaUrl(deps.store, deps.config.publicMediaBaseUrl, posterKey),
    filename: `${job.id}.mp4`,
    file_size_mb: Math.round((sizeBytes / 1048576) * 100) / 100,
    duration_seconds: Math.round(durationSeconds * 100) / 100,
    resolution: `${width}x${height}`,
    camera_prompt: job.options.prompt,
    music_file: job.options.musicFile,
    status: 'completed',
    generation_time_seconds: Math.round((now.getTime() - new Date(job.created_at).getTime()) / 100) / 10,
  });
}
