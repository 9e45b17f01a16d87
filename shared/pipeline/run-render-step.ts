import type { PipelineConfig } from '../config';
import { describeError, isRetryable, UpstreamError } from '../domain/errors';
import { userMessageFor } from '../domain/user-message';
import { resolutionSize } from '../domain/job-options';
import { renderKey, thumbnailKey } from '../domain/keys';
import type { PipelineObject } from '../domain/pipeline-object';
import { RENDER_IN_FLIGHT_WINDOW_MS, RENDER_START_ABANDONED_MS } from '../domain/render-capacity';
import type { VideoJob } from '../domain/video-job';
import { DEFAULT_RENDER_FORMAT, isRenderInFlight, type VideoRender } from '../domain/video-render';
import type { JobStore } from '../ports/job-store';
import type { Logger } from '../ports/logger';
import type { ObjectStore } from '../ports/object-store';
import type { RenderRecords } from '../ports/render-records';
import type { RenderStarter } from '../ports/render-starter';
import { completeRender } from './complete-render';
import { findDeliverables } from './deliverables';
import type { JobReporter } from './job-reporter';
import { renderFailed } from './render-outcome';
import type { StepOutcome } from './step-outcome';

export interface RenderStepDeps {
  store: ObjectStore;
  jobs: JobStore;
  renders: RenderRecords;
  starter: RenderStarter;
  reporter: JobReporter;
  logger: Logger;
  config: Pick<PipelineConfig, 'bucket' | 'publicMediaBaseUrl' | 'maxJobAttempts' | 'maxConcurrentRenders'> & {
    renderSize?: { width: number; height: number } | undefined;
    renderFps?: number | undefined;
  };
  now?: () => Date;
}

/** Rendering occupies 55 % to 95 % of the job's progress bar. */
const RENDER_PROGRESS_FROM = 55;
const RENDER_PROGRESS_SPAN = 40;
/** The clip's presigned GET must outlive a render that waits for Lambda capacity. */
const CLIP_URL_SECONDS = 3 * 3600;

/**
 * `ltx-videos/` Object Created → a Remotion render started with a webhook, its renderId recorded,
 * and nothing waited for: the render reports to POST /webhooks/remotion (finish-render-webhook.ts).
 * One paid render per job: only the delivery that claims the job and reserves its render row starts
 * one; a redelivery, a retry or the sweeper's redrive finds the recorded render and resumes it (reads
 * its state without starting work) instead. A render whose webhook never came is finished from that
 * state, or from the deliverables themselves when they are in the bucket.
 */
export async function runRenderStep(deps: RenderStepDeps, object: PipelineObject): Promise<StepOutcome> {
  if (object.kind !== 'clip') return { outcome: 'skipped', reason: object.kind === 'other' ? object.notOurs : `${object.key} is not a clip` };
  // One clip per job until jobs ask for several formats; a clip of an orientation is not this step's yet.
  if (object.orientation !== 'landscape') return { outcome: 'skipped', jobId: object.jobId, reason: `${object.orientation} clips are not rendered: the job renders from its one clip` };
  let job = await deps.jobs.get(object.jobId);
  if (!job) return { outcome: 'skipped', jobId: object.jobId, reason: 'no job for this clip' };
  if (job.user_id !== object.userId) return { outcome: 'skipped', jobId: job.id, reason: 'the clip key names another owner' };
  if (job.status === 'rendering') {
    const resumed = await resume(deps, job);
    if (resumed.outcome !== 'retry') return resumed;
    // The recorded render ended without output and the job has attempts left: this delivery starts
    // the next attempt at once (nothing else would bring the clip's event back before the sweeper).
    deps.logger.log('info', 'render handed back, starting the next attempt', { jobId: job.id, reason: resumed.reason });
    job = await deps.jobs.get(job.id);
    if (!job) return { outcome: 'skipped', jobId: object.jobId, reason: 'no job for this clip' };
  }
  if (job.status !== 'generating') return { outcome: 'skipped', jobId: job.id, reason: `job is ${job.status}` };
  if (job.attempts >= deps.config.maxJobAttempts && job.ltx_key) {
    await deps.reporter.fail(job, `Rendering gave up after ${job.attempts} attempts. ${job.error ?? ''}`.trim());
    return { outcome: 'failed', jobId: job.id, reason: 'attempts exhausted' };
  }
  // Bounded renders: each fans out to tens of Lambdas from the account's shared concurrency. Checked
  // before the claim, so a job over the limit stays `generating` and its event comes back later.
  const now = deps.now?.() ?? new Date();
  const inFlight = await deps.renders.countInFlight(new Date(now.getTime() - RENDER_IN_FLIGHT_WINDOW_MS));
  if (inFlight >= deps.config.maxConcurrentRenders) {
    throw new UpstreamError('remotion', `${inFlight} renders in flight, the limit is ${deps.config.maxConcurrentRenders}: the render waits for a slot`, { retryable: true, code: 'render_slots_full', context: { jobId: job.id } });
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
  return start(deps, claimed, object.key, now);
}

/** Starts the render the claimed job needs, unless its render row says one is running or done. */
async function start(deps: RenderStepDeps, job: VideoJob, clipKey: string, now: Date): Promise<StepOutcome> {
  const reserved = await deps.renders.reserve(job.id, DEFAULT_RENDER_FORMAT, new Date(now.getTime() - RENDER_START_ABANDONED_MS));
  if (!reserved) {
    const resumed = await resume(deps, job);
    return resumed.outcome === 'retry' ? { outcome: 'skipped', jobId: job.id, reason: `retrying: ${resumed.reason}` } : resumed;
  }
  const size = deps.config.renderSize ?? resolutionSize(job.options.resolution);
  let started;
  try {
    started = await deps.starter.start({
      jobId: job.id,
      customData: { jobId: job.id, format: DEFAULT_RENDER_FORMAT },
      props: {
        clipUrl: await deps.store.presignGet(clipKey, CLIP_URL_SECONDS),
        title: job.options.title,
        subtitle: job.options.subtitle,
        musicFile: job.options.musicFile,
        clipDurationSeconds: job.options.duration,
        // The one render this step starts today is the 16:9 one (its size comes from the 16:9 resolution option).
        format: '16:9',
      },
      width: size.width,
      height: size.height,
      fps: deps.config.renderFps ?? job.options.fps,
      bucket: deps.config.bucket,
      videoKey: renderKey(job.user_id, job.id),
      thumbnailKey: thumbnailKey(job.user_id, job.id),
    });
  } catch (err) {
    // The whole error goes to the log and the render row; the job gets the user's sentence for it.
    const reason = describeError(err);
    deps.logger.log('warn', 'render start failed', { jobId: job.id, error: reason });
    await deps.renders.updateWhere(job.id, DEFAULT_RENDER_FORMAT, ['starting'], { status: 'failed', error: reason, finished_at: new Date().toISOString() }).catch(() => null);
    const outcome = await renderFailed(deps, job, userMessageFor(err, 'rendering'), isRetryable(err)).catch((e: unknown) => {
      // The database may be what failed; the sweeper releases the claim once it is back.
      deps.logger.log('warn', 'claim not released', { jobId: job.id, error: describeError(e) });
      return 'retrying' as const;
    });
    if (outcome === 'retrying') throw err;
    return { outcome: 'failed', jobId: job.id, reason };
  }
  const recorded = await deps.renders.updateWhere(job.id, DEFAULT_RENDER_FORMAT, ['starting'], {
    status: 'rendering',
    render_id: started.renderId,
    bucket_name: started.bucketName,
    ...(started.costUsd === undefined ? {} : { cost_usd: started.costUsd }),
  });
  deps.logger.log('info', 'render started', { jobId: job.id, renderId: started.renderId, bucketName: started.bucketName, recorded: recorded !== null });
  return { outcome: 'done', jobId: job.id };
}

/**
 * The job is `rendering`: a render was started for it. Finish it if its output is there, fail or
 * retry it if it ended without output, and otherwise leave it to its webhook. Never starts a render.
 */
/** What a resume found: the step's outcome, or "the render ended without output, start another". */
type Resumed = StepOutcome | { outcome: 'retry'; reason: string };

async function resume(deps: RenderStepDeps, job: VideoJob): Promise<Resumed> {
  const finished = await findDeliverables(deps.store, job);
  if (finished) {
    // The render finished and its webhook was lost or failed on the database: record it now, and
    // free its slot (a row left `rendering` would count against the render limit).
    deps.logger.log('info', 'finished render found without its row', { jobId: job.id });
    await completeRender(deps, job, finished, await markSucceeded(deps, job));
    return { outcome: 'done', jobId: job.id };
  }
  const render = await deps.renders.get(job.id, DEFAULT_RENDER_FORMAT);
  const now = deps.now?.() ?? new Date();
  const quiet = (since: string) => now.getTime() - new Date(since).getTime() >= RENDER_START_ABANDONED_MS;
  if (!render || (render.status === 'starting' && !render.render_id)) {
    // Claimed, but no render was ever recorded as started: the process died between the claim and
    // the start. Once that is certain (quiet for a while), hand the clip back: the next delivery starts it.
    if (!quiet(render?.updated_at ?? job.updated_at)) return { outcome: 'skipped', jobId: job.id, reason: render ? 'render is starting' : 'job is rendering' };
    const released = await deps.jobs.updateWhere(job.id, ['rendering'], { status: 'generating', error: 'Retrying after: the render was never started' });
    return released ? { outcome: 'retry', reason: 'the render was never started' } : { outcome: 'skipped', jobId: job.id, reason: 'another delivery moved the job' };
  }
  if (render.status === 'failed' || render.status === 'timeout') {
    // The render's end was recorded but the job was not moved on (the database failed in between).
    const outcome = await renderFailed(deps, job, render.error ?? `render ${render.status}`, true);
    return outcome === 'failed' ? { outcome: 'failed', jobId: job.id, reason: render.error ?? render.status } : { outcome: 'retry', reason: render.error ?? render.status };
  }
  if (!render.render_id || !render.bucket_name || !isRenderInFlight(render.status)) {
    return endWithout(deps, job, render, 'failed', `render ${render.render_id} is ${render.status} but its output is not in the bucket`, true);
  }
  const state = await deps.starter.state({ renderId: render.render_id, bucketName: render.bucket_name });
  if (state.state === 'running') {
    await deps.reporter.progress(job.id, 'rendering', RENDER_PROGRESS_FROM + RENDER_PROGRESS_SPAN * state.progress);
    return { outcome: 'skipped', jobId: job.id, reason: `render ${render.render_id} is running; its webhook finishes the job` };
  }
  if (state.state === 'done') {
    // It may have finished since the deliverables were looked for: look again before judging.
    const output = await findDeliverables(deps.store, job);
    if (output) {
      await completeRender(deps, job, output, await markSucceeded(deps, job, state.costUsd));
      return { outcome: 'done', jobId: job.id };
    }
    // Done but the deliverables are not (both) there: Remotion wrote elsewhere, or they were deleted.
    return endWithout(deps, job, render, 'failed', `render ${render.render_id} finished but its output is not in the bucket`, true);
  }
  if (state.state === 'lost') return endWithout(deps, job, render, 'failed', `render ${render.render_id} was lost (the renderer no longer knows it)`, true);
  return endWithout(deps, job, render, 'failed', state.reason, state.retryable);
}

/** Records the render as succeeded (adding Remotion's cost when known) and returns the render's cost as recorded. */
async function markSucceeded(deps: RenderStepDeps, job: VideoJob, remotionCostUsd?: number): Promise<number | null> {
  const render = await deps.renders.get(job.id, DEFAULT_RENDER_FORMAT);
  if (!render) return null;
  if (!isRenderInFlight(render.status)) return render.cost_usd;
  remotionCostUsd ??= await reportedCost(deps, render);
  const cost = remotionCostUsd === undefined ? {} : { cost_usd: (render.cost_usd ?? 0) + remotionCostUsd };
  const marked = await deps.renders.updateWhere(job.id, render.format, ['starting', 'rendering'], { status: 'succeeded', finished_at: (deps.now?.() ?? new Date()).toISOString(), ...cost }, render.render_id ?? undefined);
  // Null: the webhook recorded the end meanwhile, with Remotion's cost; that record is the one to use.
  return marked ? marked.cost_usd : ((await deps.renders.get(job.id, DEFAULT_RENDER_FORMAT))?.cost_usd ?? null);
}

/** Remotion's cost of a render whose webhook was lost: read from its progress file (no function invoked); unknown if that fails. */
async function reportedCost(deps: RenderStepDeps, render: VideoRender): Promise<number | undefined> {
  if (!render.render_id || !render.bucket_name) return undefined;
  const state = await deps.starter.state({ renderId: render.render_id, bucketName: render.bucket_name }).catch(() => null);
  return state?.state === 'done' ? state.costUsd : undefined;
}

async function endWithout(deps: RenderStepDeps, job: VideoJob, render: VideoRender, status: 'failed' | 'timeout', reason: string, retryable: boolean): Promise<Resumed> {
  await deps.renders.updateWhere(job.id, render.format, ['starting', 'rendering'], { status, error: reason, finished_at: new Date().toISOString() }, render.render_id ?? undefined);
  const outcome = await renderFailed(deps, job, reason, retryable);
  return outcome === 'failed' ? { outcome: 'failed', jobId: job.id, reason } : { outcome: 'retry', reason };
}
