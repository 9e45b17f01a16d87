import type { PipelineConfig } from '../config';
import { resolutionSize } from '../domain/job-options';
import { roundUsd } from '../domain/ltx/ltx-prices';
import { renderKey, thumbnailKey } from '../domain/keys';
import type { GeneratedVideo, VideoJob } from '../domain/video-job';
import type { JobStore } from '../ports/job-store';
import type { ObjectStore } from '../ports/object-store';
import type { Deliverables } from './deliverables';
import type { JobReporter } from './job-reporter';
import { mediaUrl } from './media-url';

export interface CompleteRenderDeps {
  store: Pick<ObjectStore, 'presignGet'>;
  jobs: JobStore;
  reporter: JobReporter;
  config: Pick<PipelineConfig, 'publicMediaBaseUrl'> & { renderSize?: { width: number; height: number } | undefined };
  now?: () => Date;
}

/**
 * A render's deliverables are in the bucket: writes the job's `generated_videos` row (idempotent by
 * the job's id) and completes the job, once. Whoever learns of the end first does it (Remotion's
 * webhook, a redelivered clip event that resumes the render, the sweeper's redrive); the others find
 * the job completed and change nothing. Returns false when the job was no longer rendering.
 * `renderCostUsd` is the render's recorded cost (video_renders.cost_usd): it goes on the job with the
 * completion itself, so it is counted exactly when the job completes, once.
 */
export async function completeRender(deps: CompleteRenderDeps, job: VideoJob, finished: Deliverables, renderCostUsd: number | null): Promise<boolean> {
  const videoKey = renderKey(job.user_id, job.id);
  const posterKey = thumbnailKey(job.user_id, job.id);
  const size = deps.config.renderSize ?? resolutionSize(job.options.resolution);
  const { size: sizeBytes, metadata } = finished.video;
  const width = Number(metadata.width) || size.width;
  const height = Number(metadata.height) || size.height;
  const durationSeconds = Number(metadata['duration-seconds']) || job.options.duration;
  const now = deps.now?.() ?? new Date();
  const row: GeneratedVideo = await deps.jobs.insertGeneratedVideo({
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
  const done = await deps.jobs.updateWhere(job.id, ['rendering'], {
    status: 'completed',
    progress: 100,
    generated_video_id: row.id,
    video_key: videoKey,
    thumbnail_key: posterKey,
    error: null,
    render_cost_usd: renderCostUsd === null ? null : roundUsd(renderCostUsd),
  });
  if (done) await deps.reporter.statusChanged(done, { videoUrl: row.video_url });
  return done !== null;
}
