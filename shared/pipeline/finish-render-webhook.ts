import type { RemotionWebhook } from '../domain/remotion-webhook';
import type { RenderStatus } from '../domain/video-render';
import type { VideoJob } from '../domain/video-job';
import { ltxVideoKey } from '../domain/keys';
import type { ObjectStore } from '../ports/object-store';
import type { RenderRecords } from '../ports/render-records';
import { completeRender, type CompleteRenderDeps } from './complete-render';
import { findDeliverables } from './deliverables';
import { renderFailed, type RenderFailureDeps } from './render-outcome';

export type RenderWebhookDeps = CompleteRenderDeps &
  RenderFailureDeps & {
    store: Pick<ObjectStore, 'head' | 'presignGet' | 'touch'>;
    renders: RenderRecords;
  };

export type RenderWebhookOutcome =
  | { outcome: 'completed' | 'retrying' | 'failed'; jobId: string }
  /** Acknowledged and changed nothing: unknown job, a superseded render (late), or a repeat of a webhook already recorded. */
  | { outcome: 'ignored'; jobId: string; reason: string };

const IN_FLIGHT: readonly RenderStatus[] = ['starting', 'rendering'];

/**
 * Remotion's webhook (verified by the route) for one render: records how the render ended on its row
 * and finishes the job, exactly once. Only the job's current render counts: a webhook naming another
 * renderId (an earlier attempt that was given up on) is late and ignored, and a repeat of one already
 * recorded changes nothing. On success the deliverables are checked in the bucket before the job is
 * completed; on an error or a timeout the job is retried (the sweeper redrives it from its clip) or
 * failed with the reason.
 */
export async function finishRenderWebhook(deps: RenderWebhookDeps, webhook: RemotionWebhook): Promise<RenderWebhookOutcome> {
  const { jobId, format } = webhook.customData;
  const ignored = (reason: string): RenderWebhookOutcome => ({ outcome: 'ignored', jobId, reason });
  const job = await deps.jobs.get(jobId);
  if (!job) return ignored('no such job');
  const render = await deps.renders.get(jobId, format);
  if (!render || render.render_id !== webhook.renderId) return ignored(`late: render ${webhook.renderId} is not the job's current render`);
  const now = (deps.now?.() ?? new Date()).toISOString();

  if (webhook.type === 'success') {
    const cost = (render.cost_usd ?? 0) + (webhook.costs?.estimatedCost ?? 0);
    const recorded = await deps.renders.updateWhere(jobId, format, IN_FLIGHT, { status: 'succeeded', cost_usd: cost, finished_at: now }, webhook.renderId);
    // A repeat: finish what the first delivery may not have (the job row), never anything twice.
    if (!recorded && render.status !== 'succeeded') return ignored(`render is ${render.status}`);
    if (job.status !== 'rendering') return ignored(`job is ${job.status}`);
    const finished = await findDeliverables(deps.store, job);
    if (!finished) {
      const reason = 'Remotion reported the render finished, but the video or its poster is not in the bucket';
      await deps.renders.updateWhere(jobId, format, ['succeeded'], { status: 'failed', error: reason }, webhook.renderId);
      return { outcome: await retryOrFail(deps, job, reason), jobId };
    }
    // A repeat carries the cost the first delivery recorded (the row's), never the sum of both.
    const renderCost = recorded ? recorded.cost_usd : render.cost_usd;
    return (await completeRender(deps, job, finished, renderCost)) ? { outcome: 'completed', jobId } : ignored('job was completed meanwhile');
  }

  const reason =
    webhook.type === 'timeout'
      ? `Remotion timed out rendering (render ${webhook.renderId})`
      : `Remotion failed to render: ${webhook.errors.map((e) => e.message).join('; ') || 'no error given'}`;
  const recorded = await deps.renders.updateWhere(jobId, format, IN_FLIGHT, { status: webhook.type === 'timeout' ? 'timeout' : 'failed', error: reason, finished_at: now }, webhook.renderId);
  if (!recorded) return ignored(`render is ${render.status}`);
  if (job.status !== 'rendering') return ignored(`job is ${job.status}`);
  return { outcome: await retryOrFail(deps, job, reason), jobId };
}

/**
 * Hands the job back for another render, then brings the clip's event back at once (a copy of the
 * clip onto itself, as the sweeper does): the render step then starts the next attempt through the
 * same path, queue and limits as the first.
 */
async function retryOrFail(deps: RenderWebhookDeps, job: VideoJob, reason: string): Promise<'retrying' | 'failed'> {
  const outcome = await renderFailed(deps, job, reason, true);
  if (outcome === 'retrying') await deps.store.touch(job.ltx_key ?? ltxVideoKey(job.user_id, job.id));
  return outcome;
}
