import type { LocalStack } from '../../local/stack';
import { generatedVideoId } from '../../shared/domain/derived-job-id';
import { BUILTIN_JOB_DEFAULTS, resolveJobOptions } from '../../shared/domain/job-options';
import { canonicalFormats, renderSizeFor, type VideoFormat } from '../../shared/domain/video-formats';
import type { GeneratedVideo, VideoJob } from '../../shared/domain/video-job';

/**
 * The end of a multi-format job as the pipeline's completion writes it (issue 15, contract 5): one
 * `generated_videos` row per format that succeeded (id from `generatedVideoId`, `resolution` the
 * size rendered, here the tests' 1/6 scale), then, last, the job row `completed` with
 * `generated_video_ids` and an `error` naming each failed format. Written with the service role, so
 * the clients' side can be tested whatever renders the stack makes.
 */
export async function finishWithFormats(
  stack: LocalStack,
  jobId: string,
  outcome: { made: VideoFormat[]; failed?: Partial<Record<VideoFormat, string>>; media?: Pick<GeneratedVideo, 'video_url' | 'thumbnail_url'> },
): Promise<{ ids: string[]; error: string | null }> {
  const job = await stack.clients.jobs.get(jobId);
  if (!job) throw new Error(`no job ${jobId}`);
  const formats = job.options.formats;
  const ids: string[] = [];
  for (const format of canonicalFormats(outcome.made)) {
    const id = generatedVideoId(jobId, format, formats);
    const size = renderSizeFor(format, 1 / 6);
    await stack.clients.jobs.insertGeneratedVideo({
      id,
      user_id: job.user_id,
      title: job.options.title,
      subtitle: job.options.subtitle,
      video_url: outcome.media?.video_url ?? `${stack.info.webUrl}/media/renders/${job.user_id}/${id}.mp4`,
      thumbnail_url: outcome.media?.thumbnail_url ?? `${stack.info.webUrl}/media/thumbnails/${job.user_id}/${id}.jpg`,
      filename: `${id}.mp4`,
      file_size_mb: 0.4,
      duration_seconds: job.options.duration,
      resolution: `${size.width}x${size.height}`,
      camera_prompt: job.options.prompt,
      music_file: job.options.musicFile,
      status: 'completed',
      generation_time_seconds: 12,
    });
    ids.push(id);
  }
  const failed = Object.entries(outcome.failed ?? {}) as Array<[VideoFormat, string]>;
  const error = failed.length > 0 ? failed.map(([f, why]) => `The ${f} video could not be made: ${why}`).join(' ') : null;
  const { error: updateError } = await stack.clients.supabase
    .from('video_jobs')
    .update({ status: 'completed', progress: 100, error, generated_video_id: ids[0] ?? null, generated_video_ids: ids })
    .eq('id', jobId);
  if (updateError) throw new Error(`completing ${jobId} failed: ${updateError.message}`);
  return { ids, error };
}

/** A job of `userId` that asked for `formats` and is rendering (the pipeline's part is not under test). */
export async function renderingJob(stack: LocalStack, userId: string, formats: VideoFormat[], title = 'Casa Formats'): Promise<VideoJob> {
  const id = crypto.randomUUID();
  return stack.clients.jobs.createIfAbsent({
    id,
    user_id: userId,
    status: 'rendering',
    origin: 'upload',
    source_key: `images/${userId}/${id}.jpg`,
    // Stored as the upload endpoint stores them: canonical order, so the first format (the job's own row id) is 16:9 when asked for.
    options: resolveJobOptions({ title, formats: canonicalFormats(formats) }, BUILTIN_JOB_DEFAULTS),
  });
}
