import { UpstreamError, ValidationError } from '../../domain/errors';
import { parseStoredOptions } from '../../domain/job-options';
import { isJobStatus } from '../../domain/job-status';
import type { GeneratedVideo, VideoJob } from '../../domain/video-job';
import { showValue } from '../../domain/show-value';
import type { Tables } from './database.types';

/**
 * Rows as the database returns them (database.types.ts: `text`, `jsonb`, nullable columns) become the
 * domain's types here, checked: a row the pipeline cannot work on (written by hand, by an older
 * version) fails with the column named instead of travelling on as a lie.
 */
function badRow(table: string, id: string, column: string, message: string, cause?: unknown): UpstreamError {
  return new UpstreamError('supabase', `${table} row ${id}: ${column} ${message}`, { retryable: false, code: 'invalid_row', cause });
}

export function videoJobFromRow(row: Tables<'video_jobs'>): VideoJob {
  if (!isJobStatus(row.status)) throw badRow('video_jobs', row.id, 'status', `is not a job status (got ${showValue(row.status)})`);
  if (row.origin !== 'upload' && row.origin !== 'operator') throw badRow('video_jobs', row.id, 'origin', `must be upload or operator (got ${showValue(row.origin)})`);
  let options;
  try {
    options = parseStoredOptions(row.options);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw badRow('video_jobs', row.id, 'options', `are not a job's options: ${err.message}`, err);
  }
  return { ...row, status: row.status, origin: row.origin, options };
}

export function generatedVideoFromRow(row: Tables<'generated_videos'>): GeneratedVideo {
  // Nullable in the production table (it predates this pipeline); every row this pipeline writes fills them.
  const present = <T>(value: T | null, column: string): T => {
    if (value === null) throw badRow('generated_videos', row.id, column, 'is empty');
    return value;
  };
  return {
    id: row.id,
    user_id: row.user_id,
    title: present(row.title, 'title'),
    subtitle: present(row.subtitle, 'subtitle'),
    video_url: present(row.video_url, 'video_url'),
    thumbnail_url: present(row.thumbnail_url, 'thumbnail_url'),
    filename: present(row.filename, 'filename'),
    file_size_mb: present(row.file_size_mb, 'file_size_mb'),
    duration_seconds: present(row.duration_seconds, 'duration_seconds'),
    resolution: present(row.resolution, 'resolution'),
    camera_prompt: present(row.camera_prompt, 'camera_prompt'),
    music_file: present(row.music_file, 'music_file'),
    status: present(row.status, 'status'),
    generation_time_seconds: present(row.generation_time_seconds, 'generation_time_seconds'),
    created_at: row.created_at,
  };
}
