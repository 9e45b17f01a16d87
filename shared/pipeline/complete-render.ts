import type { PipelineConfig } from '../config';
import { generatedVideoId } from '../domain/derived-job-id';
import { UpstreamError } from '../domain/errors';
import { roundUsd } from '../domain/ltx/ltx-prices';
import { renderKey, thumbnailKey } from '../domain/keys';
import { scrubInternals } from '../domain/user-message';
import type { VideoFormat } from '../domain/video-formats';
import type { GeneratedVideo, VideoJob } from '../domain/video-job';
import { formatRenderSize, formatStanding, type VideoRender } from '../domain/video-render';
import type { JobStore } from '../ports/job-store';
import type { ObjectStore } from '../ports/object-store';
import type { RenderRecords } from '../ports/render-records';
import { findDeliverables, type Deliverables } from './deliverables';
import type { JobReporter } from './job-reporter';
import { mediaUrl } from './media-url';

export interface CompleteRenderDeps {
  store: Pick<ObjectStore, 'presignGet' | 'head'>;
  jobs: JobStore;
  renders: Pick<RenderRecords, 'get'>;
  reporter: JobReporter;
  config: Pick<PipelineConfig, 'publicMediaBaseUrl' | 'maxJobAttempts'> & { renderScale?: number | undefined };
  now?: () => Date;
}

/** Rendering occupies 55 % to 95 % of the job's progress bar. */
export const RENDER_PROGRESS_FROM = 55;
const RENDER_PROGRESS_SPAN = 40;

/**
 * One format's deliverables are in the bucket: writes its `generated_videos` row (id from
 * `generatedVideoId`, so every redelivery writes the same row; the insert keeps a row that exists).
 * The web app hears of each format's row as it lands; the job completes once every format has ended.
 */
export async function recordFormatVideo(deps: CompleteRenderDeps, job: VideoJob, format: VideoFormat, finished: Deliverables): Promise<GeneratedVideo> {
  const videoKey = renderKey(job.user_id, job.id, format);
  const size = formatRenderSize(format, job.options.resolution, deps.config.renderScale);
  const { size: sizeBytes, metadata } = finished.video;
  const width = Number(metadata.width) || size.width;
  const height = Number(metadata.height) || size.height;
  const durationSeconds = Number(metadata['duration-seconds']) || job.options.duration;
  const now = deps.now?.() ?? new Date();
  return deps.jobs.insertGeneratedVideo({
    id: generatedVideoId(job.id, format, job.options.formats),
    user_id: job.user_id,
    title: job.options.title,
    subtitle: job.options.subtitle,
    video_url: await mediaUrl(deps.store, deps.config.publicMediaBaseUrl, videoKey),
    thumbnail_url: await mediaUrl(deps.store, deps.config.publicMediaBaseUrl, thumbnailKey(job.user_id, job.id, format)),
    filename: videoKey.slice(videoKey.lastIndexOf('/') + 1),
    file_size_mb: Math.round((sizeBytes / 1048576) * 100) / 100,
    duration_seconds: Math.round(durationSeconds * 100) / 100,
    resolution: `${width}x${height}`,
    camera_prompt: job.options.prompt,
    music_file: job.options.musicFile,
    status: 'completed',
    generation_time_seconds: Math.round((now.getTime() - new Date(job.created_at).getTime()) / 100) / 10,
  });
}

/** What settling found: the job completed or failed here, still waits for a format, or had already moved on. */
export type Settled = { state: 'completed' } | { state: 'failed'; reason: string } | { state: 'waiting' } | { state: 'gone' };

/**
 * Ends the job once, when every format's render has ended (compare-and-set from `rendering`; whoever
 * learns of the last end first does it: a webhook, a redelivered clip event, the sweeper's redrive).
 * All succeeded: `completed`; some given up: `completed` with `error` naming each; none: `failed`.
 * The rows of the formats that succeeded are made sure of first (each insert is idempotent), then
 * `generated_video_ids` (canonical order), the first one's id in `generated_video_id`, and the render
 * cost (the sum of the formats' recorded costs) go on the job with the completion itself, so the cost
 * is counted exactly once. While a format is still pending or in flight, the progress bar moves to the
 * mean of the formats' progress (`progress`: 0..1 of the formats in flight; ended ones count 1).
 */
export async function settleJob(deps: CompleteRenderDeps, job: VideoJob, progress: ReadonlyMap<VideoFormat, number> = new Map()): Promise<Settled> {
  const formats = job.options.formats;
  const rows = await Promise.all(formats.map((f) => deps.renders.get(job.id, f)));
  const standings = rows.map((r) => formatStanding(r, deps.config.maxJobAttempts));
  if (standings.some((s) => s === 'pending' || s === 'in_flight')) {
    const share = formats.map((f, i) => (standings[i] === 'succeeded' || standings[i] === 'given_up' ? 1 : (progress.get(f) ?? 0)));
    const mean = share.reduce((a, b) => a + b, 0) / formats.length;
    // Nothing moved yet (the renders were just started): the claim wrote the bar's start.
    if (mean > 0) await deps.reporter.progress(job.id, 'rendering', RENDER_PROGRESS_FROM + RENDER_PROGRESS_SPAN * mean);
    return { state: 'waiting' };
  }
  const videos: Array<{ format: VideoFormat; row: GeneratedVideo }> = [];
  const failed: Array<{ format: VideoFormat; reason: string }> = [];
  for (const [i, format] of formats.entries()) {
    const render = rows[i]!;
    if (standings[i] === 'given_up') {
      failed.push({ format, reason: givenUpReason(render) });
      continue;
    }
    const row = (await deps.jobs.getGeneratedVideo(generatedVideoId(job.id, format, formats))) ?? (await recordFromBucket(deps, job, format));
    videos.push({ format, row });
  }
  const costs = rows.map((r) => r!.cost_usd).filter((c): c is number => c !== null);
  const failedFormats = failed.map((f) => f.format);
  const error = failed.length === 0 ? null : formats.length === 1 ? failed[0]!.reason : failed.map((f) => `The ${f.format} video could not be made: ${f.reason}`).join(' ');
  const first = videos[0];
  if (!first) {
    const done = await deps.reporter.fail(job, error!, { failedFormats });
    return done ? { state: 'failed', reason: error! } : { state: 'gone' };
  }
  const done = await deps.jobs.updateWhere(job.id, ['rendering'], {
    status: 'completed',
    progress: 100,
    generated_video_id: first.row.id,
    generated_video_ids: videos.map((v) => v.row.id),
    video_key: renderKey(job.user_id, job.id, first.format),
    thumbnail_key: thumbnailKey(job.user_id, job.id, first.format),
    error: error === null ? null : scrubInternals(error),
    render_cost_usd: costs.length === 0 ? null : roundUsd(costs.reduce((a, b) => a + b, 0)),
  });
  if (!done) return { state: 'gone' };
  await deps.reporter.statusChanged(done, {
    videoUrl: first.row.video_url,
    videos: videos.map((v) => ({ format: v.format, videoUrl: v.row.video_url, generatedVideoId: v.row.id })),
    ...(failedFormats.length > 0 ? { failedFormats } : {}),
  });
  return { state: 'completed' };
}

/** Why a format was given up, as the user reads it. */
function givenUpReason(render: VideoRender): string {
  const reason = render.error ?? `render ${render.status}`;
  return render.retryable ? `Rendering failed after ${render.attempt} attempts: ${reason}` : reason;
}

/** A succeeded format whose row is missing (its webhook died before the insert): written from the bucket now. */
async function recordFromBucket(deps: CompleteRenderDeps, job: VideoJob, format: VideoFormat): Promise<GeneratedVideo> {
  const finished = await findDeliverables(deps.store, job, format);
  if (!finished) {
    // Its output went missing after it was recorded: the next resume of the job sees that and renders it again.
    throw new UpstreamError('s3', `the ${format} render of job ${job.id} succeeded but its video or poster is no longer in the bucket`, { retryable: true, code: 'deliverables_missing' });
  }
  return recordFormatVideo(deps, job, format, finished);
}
