import type { RemotionWebhook } from '../domain/remotion-webhook';
import { VIDEO_FORMAT_SPECS, type VideoFormat } from '../domain/video-formats';
import { renderFormatOf, type RenderStatus, type VideoRender } from '../domain/video-render';
import type { VideoJob } from '../domain/video-job';
import { ltxVideoKey } from '../domain/keys';
import type { ObjectStore } from '../ports/object-store';
import type { RenderRecords } from '../ports/render-records';
import { recordFormatVideo, settleJob, type Settled } from './complete-render';
import { findDeliverables } from './deliverables';
import { formatFailed, type RenderFailureDeps } from './render-outcome';

export type RenderWebhookDeps = RenderFailureDeps & {
  store: Pick<ObjectStore, 'head' | 'presignGet' | 'touch'>;
  renders: RenderRecords;
};

export type RenderWebhookOutcome =
  /** `waiting`: this format ended (made, or given up) and the job waits for its other formats. */
  | { outcome: 'completed' | 'retrying' | 'failed' | 'waiting'; jobId: string; format: VideoFormat }
  /** Acknowledged and changed nothing: unknown job, a superseded render (late), or a repeat of a webhook already recorded. */
  | { outcome: 'ignored'; jobId: string; reason: string };

const IN_FLIGHT: readonly RenderStatus[] = ['starting', 'rendering'];

/**
 * Remotion's webhook (verified by the route) for one format's render: records how that render ended
 * on its row and moves the job on, exactly once. Only the format's current render counts: a webhook
 * naming another renderId (an earlier attempt that was given up on) is late and ignored, and a repeat
 * of one already recorded changes nothing. On success the format's deliverables are checked in the
 * bucket, its `generated_videos` row is written, and the job completes if it was the last format
 * open; on an error or a timeout that format alone is retried (its clip's event is brought back) or
 * given up, and the job ends if nothing else is open.
 */
export async function finishRenderWebhook(deps: RenderWebhookDeps, webhook: RemotionWebhook): Promise<RenderWebhookOutcome> {
  const { jobId } = webhook.customData;
  const ignored = (reason: string): RenderWebhookOutcome => ({ outcome: 'ignored', jobId, reason });
  const format = renderFormatOf(webhook.customData.format);
  if (!format) return ignored(`no such format: ${webhook.customData.format}`);
  const job = await deps.jobs.get(jobId);
  if (!job) return ignored('no such job');
  const render = await deps.renders.get(jobId, format);
  if (!render || render.render_id !== webhook.renderId) return ignored(`late: render ${webhook.renderId} is not the ${format} render of the job`);
  const now = (deps.now?.() ?? new Date()).toISOString();
  const ended = (settled: { state: 'retrying' } | Settled): RenderWebhookOutcome =>
    settled.state === 'gone' ? ignored('job was completed meanwhile') : { outcome: settled.state, jobId, format };

  if (webhook.type === 'success') {
    const cost = (render.cost_usd ?? 0) + (webhook.costs?.estimatedCost ?? 0);
    const recorded = await deps.renders.updateWhere(jobId, format, IN_FLIGHT, { status: 'succeeded', cost_usd: cost, finished_at: now }, webhook.renderId);
    // A repeat: finish what the first delivery may not have (the format's row, the job), never anything twice.
    if (!recorded && render.status !== 'succeeded') return ignored(`render is ${render.status}`);
    if (job.status !== 'rendering') return ignored(`job is ${job.status}`);
    const finished = await findDeliverables(deps.store, job, format);
    if (!finished) {
      const reason = 'Remotion reported the render finished, but the video or its poster is not in the bucket';
      const failed = await deps.renders.updateWhere(jobId, format, ['succeeded'], { status: 'failed', error: reason, retryable: true }, webhook.renderId);
      return failed ? ended(await retryOrGiveUp(deps, job, failed, reason)) : ignored('render was moved on meanwhile');
    }
    await recordFormatVideo(deps, job, format, finished);
    return ended(await settleJob(deps, job));
  }

  const reason =
    webhook.type === 'timeout'
      ? `Remotion timed out rendering (render ${webhook.renderId})`
      : `Remotion failed to render: ${webhook.errors.map((e) => e.message).join('; ') || 'no error given'}`;
  const recorded = await deps.renders.updateWhere(jobId, format, IN_FLIGHT, { status: webhook.type === 'timeout' ? 'timeout' : 'failed', error: reason, retryable: true, finished_at: now }, webhook.renderId);
  if (!recorded) return ignored(`render is ${render.status}`);
  if (job.status !== 'rendering') return ignored(`job is ${job.status}`);
  return ended(await retryOrGiveUp(deps, job, recorded, reason));
}

/**
 * Retries the format or gives it up; a retry then brings its clip's event back at once (a copy of the
 * clip onto itself, as the sweeper does): the render step starts that format's next attempt through
 * the same path, queue and limits as the first, and leaves the other formats as they are.
 */
async function retryOrGiveUp(deps: RenderWebhookDeps, job: VideoJob, render: VideoRender, reason: string): Promise<{ state: 'retrying' } | Settled> {
  if ((await formatFailed(deps, job, render, reason)) === 'given_up') return settleJob(deps, job);
  await deps.store.touch(ltxVideoKey(job.user_id, job.id, VIDEO_FORMAT_SPECS[render.format].orientation));
  return { state: 'retrying' };
}
