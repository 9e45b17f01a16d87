import { createHash } from 'node:crypto';
import { primaryFormat, type VideoFormat } from './video-formats';

/** A version-5-style UUID from a hash of `parts`, so it fits the `uuid` columns. */
function uuidFromHash(parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A photo dropped by hand has no job id: derive one from bucket, key and ETag, so every delivery of
 * the same object event names the same job (idempotency), while a new upload under the same name is
 * a new job.
 */
export function derivedJobId(bucket: string, key: string, etag: string): string {
  return uuidFromHash([bucket, key, etag.replace(/"/g, '')]);
}

/**
 * The `generated_videos` row id of one of a job's formats. The job's first format keeps the job's own
 * id (what a one-format job has always had, and what `video_jobs.generated_video_id` names); each other
 * format's id is derived from the job's id and the format, so every redelivery writes the same row.
 */
export function generatedVideoId(jobId: string, format: VideoFormat, formats: readonly VideoFormat[]): string {
  return format === primaryFormat(formats) ? jobId : uuidFromHash(['generated-video', jobId, format]);
}
