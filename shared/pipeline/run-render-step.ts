import type { PipelineConfig } from '../config';
import { describeError, isRetryable, UpstreamError } from '../domain/errors';
import { userMessageFor } from '../domain/user-message';
import { ltxVideoKey, renderKey, thumbnailKey } from '../domain/keys';
import type { PipelineObject } from '../domain/pipeline-object';
import { RENDER_IN_FLIGHT_WINDOW_MS, RENDER_START_ABANDONED_MS } from '../domain/render-capacity';
import { clipOrientationsFor, VIDEO_FORMAT_SPECS, type ClipOrientation, type VideoFormat } from '../domain/video-formats';
import type { VideoJob } from '../domain/video-job';
import { formatRenderSize, formatStanding, type VideoRender } from '../domain/video-render';
import type { Logger } from '../ports/logger';
import type { ObjectStore } from '../ports/object-store';
import type { RenderRecords } from '../ports/render-records';
import type { RenderStarter } from '../ports/render-starter';
import { recordFormatVideo, RENDER_PROGRESS_FROM, settleJob } from './complete-render';
import { findDeliverables } from './deliverables';
import { formatFailed, type RenderFailureDeps } from './render-outcome';
import type { StepOutcome } from './step-outcome';

export type RenderStepDeps = RenderFailureDeps & {
  store: ObjectStore;
  renders: RenderRecords;
  starter: RenderStarter;
  logger: Logger;
  config: Pick<PipelineConfig, 'bucket' | 'publicMediaBaseUrl' | 'maxJobAttempts' | 'maxConcurrentRenders'> & {
    /** Renders at this fraction of each format's size (tests render at 1/6); default 1 (PipelineConfig.renderScale). */
    renderScale?: number | undefined;
    /** Frame-rate override (tests render 10 fps); default the job's. */
    renderFps?: number | undefined;
  };
};

/** The clip's presigned GET must outlive a render that waits for Lambda capacity. */
const CLIP_URL_SECONDS = 3 * 3600;

/**
 * `ltx-videos/` Object Created → one Remotion render per format the job asked for, each started with
 * a webhook, its renderId recorded on its own `video_renders` row, and nothing waited for: each
 * render reports to POST /webhooks/remotion (finish-render-webhook.ts).
 *
 * The job is claimed `generating → rendering` once, by the first delivery that finds every clip its
 * formats need in the bucket (a clip's event while another is missing is skipped: that clip's own
 * event comes). One paid render per format: only the delivery that reserves a format's row starts its
 * render; a redelivery, a retry or the sweeper's redrive finds each recorded render and resumes it
 * (reads its state without starting work): finishes it from its output or its state when its webhook
 * was lost, retries that format alone when it ended without output and attempts are left, and starts
 * a format whose render was never started. The job ends when every format has (complete-render.ts).
 */
export async function runRenderStep(deps: RenderStepDeps, object: PipelineObject): Promise<StepOutcome> {
  if (object.kind !== 'clip') return { outcome: 'skipped', reason: object.kind === 'other' ? object.notOurs : `${object.key} is not a clip` };
  const job = await deps.jobs.get(object.jobId);
  if (!job) return { outcome: 'skipped', jobId: object.jobId, reason: 'no job for this clip' };
  if (job.user_id !== object.userId) return { outcome: 'skipped', jobId: job.id, reason: 'the clip key names another owner' };
  const orientations = clipOrientationsFor(job.options.formats);
  if (!orientations.includes(object.orientation)) return { outcome: 'skipped', jobId: job.id, reason: `the job's formats (${job.options.formats.join(', ')}) use no ${object.orientation} clip` };
  const now = deps.now?.() ?? new Date();
  if (job.status === 'rendering') return advance(deps, job, now, false);
  if (job.status !== 'generating') return { outcome: 'skipped', jobId: job.id, reason: `job is ${job.status}` };
  for (const orientation of orientations) {
    if (orientation !== object.orientation && !(await deps.store.head(ltxVideoKey(job.user_id, job.id, orientation)))) {
      return { outcome: 'skipped', jobId: job.id, reason: `waiting for the ${orientation} clip` };
    }
  }
  if (job.attempts >= deps.config.maxJobAttempts && job.ltx_key) {
    await deps.reporter.fail(job, `Rendering gave up after ${job.attempts} attempts. ${job.error ?? ''}`.trim());
    return { outcome: 'failed', jobId: job.id, reason: 'attempts exhausted' };
  }
  // Bounded renders: each fans out to tens of Lambdas from the account's shared concurrency. Checked
  // before the claim, so a job over the limit stays `generating` and its event comes back later. A job
  // is admitted whole (all its formats) while they fit beside what runs, or alone when nothing runs.
  const inFlight = await countInFlight(deps, now);
  const needed = job.options.formats.length;
  if (inFlight > 0 && inFlight + needed > deps.config.maxConcurrentRenders) throw slotsFull(job, inFlight, needed, deps.config.maxConcurrentRenders);
  // A clip stored before the LTX step recorded it still belongs to the job: attempts restart per stage.
  const attempts = job.ltx_key ? job.attempts : 0;
  // The status alone decides the claim: the LTX step may still be writing its own bookkeeping
  // (progress, attempts) on the row when the clip's event arrives, and that must not lose the claim.
  const claimed = await deps.jobs.updateWhere(job.id, ['generating'], {
    status: 'rendering',
    progress: RENDER_PROGRESS_FROM,
    ltx_key: job.ltx_key ?? ltxVideoKey(job.user_id, job.id, orientations[0]),
    attempts: attempts + 1,
    error: null,
  });
  if (!claimed) return { outcome: 'skipped', jobId: job.id, reason: 'another delivery claimed the job' };
  await deps.reporter.statusChanged(claimed);
  return advance(deps, claimed, now, true);
}

/** What one format's look found: how far its render is (0..1), what was done, and an error to throw once the others are seen to. */
interface FormatStep {
  progress: number;
  note: string;
  acted: boolean;
  error?: unknown;
}

/**
 * Moves each of the job's formats on (start, resume, finish, retry), then ends the job if every format
 * has ended. A failure of one format (a start refused, the render limit reached) does not stop the
 * others: it is thrown after them, so the queue brings the event back for that format.
 */
async function advance(deps: RenderStepDeps, job: VideoJob, now: Date, admitted: boolean): Promise<StepOutcome> {
  const formats = job.options.formats;
  const clipUrls = new Map<ClipOrientation, Promise<string>>();
  const clipUrl = (o: ClipOrientation) => clipUrls.get(o) ?? clipUrls.set(o, deps.store.presignGet(ltxVideoKey(job.user_id, job.id, o), CLIP_URL_SECONDS)).get(o)!;
  const progress = new Map<VideoFormat, number>();
  const notes: string[] = [];
  let acted = false;
  let error: unknown;
  for (const format of formats) {
    const step = await advanceFormat({ deps, job, format, now, admitted, clipUrl });
    progress.set(format, step.progress);
    notes.push(formats.length === 1 ? step.note : `${format}: ${step.note}`);
    acted ||= step.acted;
    error ??= step.error;
  }
  const current = (await deps.jobs.get(job.id)) ?? job;
  const settled = current.status === 'rendering' ? await settleJob(deps, current, progress) : ({ state: 'gone' } as const);
  if (error !== undefined && settled.state === 'waiting') throw error;
  if (settled.state === 'completed') return { outcome: 'done', jobId: job.id };
  if (settled.state === 'failed') return { outcome: 'failed', jobId: job.id, reason: settled.reason };
  return acted ? { outcome: 'done', jobId: job.id } : { outcome: 'skipped', jobId: job.id, reason: notes.join('; ') };
}

interface FormatContext {
  deps: RenderStepDeps;
  job: VideoJob;
  format: VideoFormat;
  now: Date;
  /** The claiming delivery: the job was admitted under the render limit with all its formats. */
  admitted: boolean;
  clipUrl: (orientation: ClipOrientation) => Promise<string>;
}

/**
 * One format: finish it from its output, leave it to its webhook while it runs, record how it ended
 * without output (then, with attempts left, start its next attempt at once), or start it. Never starts
 * a render beside one that may still produce its output.
 */
async function advanceFormat(ctx: FormatContext): Promise<FormatStep> {
  const { deps, job, format } = ctx;
  let acted = false;
  // Two passes: a render found ended without output is recorded in the first, its next attempt started in the second.
  for (let pass = 0; pass < 2; pass++) {
    const render = await deps.renders.get(job.id, format);
    const standing = formatStanding(render, deps.config.maxJobAttempts);
    if (standing === 'given_up') return { progress: 1, note: `given up: ${render!.error ?? render!.status}`, acted };
    const finished = await findDeliverables(deps.store, job, format);
    if (standing === 'succeeded') {
      if (finished) return { progress: 1, note: 'rendered', acted };
      // Recorded as made, but its output is gone (deleted): render it again.
      await endWithout(ctx, render!, ['succeeded'], `render ${render!.render_id} succeeded but its output is no longer in the bucket`, true);
      acted = true;
      continue;
    }
    if (finished) {
      // The render finished and its webhook was lost or failed on the database: record it now, and
      // free its slot (a row left `rendering` would count against the render limit).
      deps.logger.log('info', 'finished render found without its row', { jobId: job.id, format });
      if (render && standing === 'in_flight') await markSucceeded(deps, render);
      else await adoptOutput(ctx);
      await recordFormatVideo(deps, job, format, finished);
      return { progress: 1, note: 'finished from its output', acted: true };
    }
    if (standing === 'pending') return { ...(await start(ctx)), acted: true };
    const inFlight = render!;
    if (inFlight.status === 'starting' && !inFlight.render_id) {
      // Reserved, but no render recorded as started: the process may still be inside the start call.
      // Once that is certain (quiet for a while), the row is taken over as the next attempt.
      if (ctx.now.getTime() - new Date(inFlight.updated_at).getTime() < RENDER_START_ABANDONED_MS) return { progress: 0, note: 'render is starting', acted };
      return { ...(await start(ctx)), acted: true };
    }
    if (!inFlight.render_id || !inFlight.bucket_name || inFlight.status !== 'rendering') {
      await endWithout(ctx, inFlight, ['starting', 'rendering'], `render ${inFlight.render_id} is ${inFlight.status} but its output is not in the bucket`, true);
      acted = true;
      continue;
    }
    const state = await deps.starter.state({ renderId: inFlight.render_id, bucketName: inFlight.bucket_name });
    if (state.state === 'running') return { progress: state.progress, note: `render ${inFlight.render_id} is running; its webhook finishes the job`, acted };
    if (state.state === 'done') {
      // It may have finished since the deliverables were looked for: look again before judging.
      const output = await findDeliverables(deps.store, job, format);
      if (output) {
        await markSucceeded(deps, inFlight, state.costUsd);
        await recordFormatVideo(deps, job, format, output);
        return { progress: 1, note: 'finished from its output', acted: true };
      }
      // Done but the deliverables are not (both) there: Remotion wrote elsewhere, or they were deleted.
      await endWithout(ctx, inFlight, ['starting', 'rendering'], `render ${inFlight.render_id} finished but its output is not in the bucket`, true);
    } else if (state.state === 'lost') {
      await endWithout(ctx, inFlight, ['starting', 'rendering'], `render ${inFlight.render_id} was lost (the renderer no longer knows it)`, true);
    } else {
      await endWithout(ctx, inFlight, ['starting', 'rendering'], state.reason, state.retryable);
    }
    acted = true;
  }
  const render = await deps.renders.get(job.id, format);
  return { progress: 0, note: `render is ${render?.status ?? 'missing'}`, acted };
}

/** Starts the format's render, unless another delivery holds its row (in flight, or succeeded). */
async function start(ctx: FormatContext): Promise<Omit<FormatStep, 'acted'>> {
  const { deps, job, format, now } = ctx;
  if (!ctx.admitted) {
    // A retry or a late start needs a free slot of its own (the claim admitted the job's first renders).
    const inFlight = await countInFlight(deps, now);
    if (inFlight >= deps.config.maxConcurrentRenders) return { progress: 0, note: 'waiting for a render slot', error: slotsFull(job, inFlight, 1, deps.config.maxConcurrentRenders) };
  }
  const reserved = await deps.renders.reserve(job.id, format, new Date(now.getTime() - RENDER_START_ABANDONED_MS));
  if (!reserved) return { progress: 0, note: 'another delivery holds its render' };
  const spec = VIDEO_FORMAT_SPECS[format];
  const size = formatRenderSize(format, job.options.resolution, deps.config.renderScale);
  let started;
  try {
    started = await deps.starter.start({
      jobId: job.id,
      customData: { jobId: job.id, format },
      props: {
        clipUrl: await ctx.clipUrl(spec.orientation),
        title: job.options.title,
        subtitle: job.options.subtitle,
        musicFile: job.options.musicFile,
        clipDurationSeconds: job.options.duration,
        format,
      },
      width: size.width,
      height: size.height,
      fps: deps.config.renderFps ?? job.options.fps,
      bucket: deps.config.bucket,
      videoKey: renderKey(job.user_id, job.id, format),
      thumbnailKey: thumbnailKey(job.user_id, job.id, format),
    });
  } catch (err) {
    // The whole error goes to the log; the render row and the job get the user's sentence for it.
    deps.logger.log('warn', 'render start failed', { jobId: job.id, format, attempt: reserved.attempt, error: describeError(err) });
    const reason = userMessageFor(err, 'rendering');
    const failed = await deps.renders.updateWhere(job.id, format, ['starting'], { status: 'failed', error: reason, retryable: isRetryable(err), finished_at: now.toISOString() }).catch((e: unknown) => {
      // The database may be what failed: the row stays `starting` until it counts as abandoned.
      deps.logger.log('warn', 'render start failure not recorded', { jobId: job.id, format, error: describeError(e) });
      return null;
    });
    if (!failed) return { progress: 0, note: 'start failed', error: err };
    const outcome = await formatFailed(deps, job, failed, reason);
    // A retry comes back with the event, which the queue redelivers when this delivery throws.
    return outcome === 'retrying' ? { progress: 0, note: `start failed, retrying: ${reason}`, error: err } : { progress: 1, note: `given up: ${reason}` };
  }
  const recorded = await deps.renders.updateWhere(job.id, format, ['starting'], {
    status: 'rendering',
    render_id: started.renderId,
    bucket_name: started.bucketName,
    ...(started.costUsd === undefined ? {} : { cost_usd: started.costUsd }),
  });
  deps.logger.log('info', 'render started', { jobId: job.id, format, attempt: reserved.attempt, renderId: started.renderId, bucketName: started.bucketName, width: size.width, height: size.height, recorded: recorded !== null });
  return { progress: 0, note: `render ${started.renderId} started` };
}

/** Records the format's render as succeeded, adding Remotion's cost when known (read from its progress when not given). */
async function markSucceeded(deps: RenderStepDeps, render: VideoRender, remotionCostUsd?: number): Promise<void> {
  remotionCostUsd ??= await reportedCost(deps, render);
  const cost = remotionCostUsd === undefined ? {} : { cost_usd: (render.cost_usd ?? 0) + remotionCostUsd };
  // Null: the webhook recorded the end meanwhile, with Remotion's cost; that record stands.
  await deps.renders.updateWhere(render.job_id, render.format, ['starting', 'rendering'], { status: 'succeeded', finished_at: (deps.now?.() ?? new Date()).toISOString(), ...cost }, render.render_id ?? undefined);
}

/**
 * The format's output is in the bucket but no render row answers for it (a render recorded before its
 * row, or one whose failure was recorded before its output landed): the row is taken as an attempt
 * that succeeded, so the job can end. Null from reserve: another delivery holds the row and records it.
 */
async function adoptOutput(ctx: FormatContext): Promise<void> {
  const { deps, job, format, now } = ctx;
  const reserved = await deps.renders.reserve(job.id, format, new Date(now.getTime() - RENDER_START_ABANDONED_MS));
  if (reserved) await deps.renders.updateWhere(job.id, format, ['starting'], { status: 'succeeded', finished_at: now.toISOString() });
}

/** Remotion's cost of a render whose webhook was lost: read from its progress file (no function invoked); unknown if that fails. */
async function reportedCost(deps: RenderStepDeps, render: VideoRender): Promise<number | undefined> {
  if (!render.render_id || !render.bucket_name) return undefined;
  const state = await deps.starter.state({ renderId: render.render_id, bucketName: render.bucket_name }).catch(() => null);
  return state?.state === 'done' ? state.costUsd : undefined;
}

/** The format's render ended without its output: record it on its row, then retry the format or give it up. */
async function endWithout(ctx: FormatContext, render: VideoRender, from: VideoRender['status'][], reason: string, retryable: boolean): Promise<void> {
  const { deps, job } = ctx;
  const ended = await deps.renders.updateWhere(job.id, render.format, from, { status: 'failed', error: reason, retryable, finished_at: ctx.now.toISOString() }, render.render_id ?? undefined);
  if (ended) await formatFailed(deps, job, ended, reason);
}

async function countInFlight(deps: RenderStepDeps, now: Date): Promise<number> {
  return deps.renders.countInFlight(new Date(now.getTime() - RENDER_IN_FLIGHT_WINDOW_MS));
}

function slotsFull(job: VideoJob, inFlight: number, needed: number, limit: number): UpstreamError {
  return new UpstreamError('remotion', `${inFlight} renders in flight, the limit is ${limit}: the job's ${needed} render(s) wait for a slot`, { retryable: true, code: 'render_slots_full', context: { jobId: job.id } });
}
