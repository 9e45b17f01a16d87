import type { SupabaseClient } from '@supabase/supabase-js';
import { canonicalFormats, formatOfResolution, VIDEO_FORMAT_SPECS, VIDEO_FORMATS, type VideoFormat } from '../../shared/domain/video-formats';
import type { GeneratedVideo, VideoJob } from '../../shared/domain/video-job';
import { RequestError } from './client-errors';

/** A finished video with the format it was made in (null only for a row of a size none of ours has). */
export type FormatVideo = GeneratedVideo & { format: VideoFormat | null };

/** A format the job asked for that did not come out, and why (the pipeline's words, or a note that none were recorded). */
export interface FormatFailure {
  format: VideoFormat;
  reason: string;
}

/**
 * What a finished job made. `videos` holds one row per format that succeeded, in the canonical order
 * (16:9, 9:16, 4:5, 1:1); `video` is the first of them (what a one-format job has always resolved
 * with). A job that completed with some formats failed keeps its `error` ("The 9:16 video could not be
 * made: …") and lists those formats in `failures`: a partial result, not a rejection.
 */
export interface JobOutputs {
  job: VideoJob;
  videos: FormatVideo[];
  video: FormatVideo;
  failures: FormatFailure[];
}

/** The ids of a completed job's `generated_videos` rows: the column when set, else the job's own id (one-format rows). */
export function outputIdsOf(job: VideoJob): string[] {
  // Null on rows completed before formats (and absent where the column is not yet migrated).
  const ids = job.generated_video_ids as string[] | null | undefined;
  return ids && ids.length > 0 ? ids : [job.id];
}

/**
 * A row's format: its `resolution` when it is exactly one of the delivered sizes, else the nearest
 * aspect ratio (a deployment or a test rendering at a scale writes `180x320` for a 9:16).
 */
export function formatOfVideo(row: Pick<GeneratedVideo, 'resolution'>): VideoFormat | null {
  const exact = formatOfResolution(row.resolution);
  if (exact) return exact;
  const size = /^(\d+)x(\d+)$/.exec(row.resolution);
  if (!size) return null;
  const ratio = Number(size[1]) / Number(size[2]);
  const nearest = VIDEO_FORMATS.map((f) => ({ f, off: Math.abs(Math.log(ratio / (VIDEO_FORMAT_SPECS[f].width / VIDEO_FORMAT_SPECS[f].height))) })).sort((a, b) => a.off - b.off)[0]!;
  // Within 2 %: even-pixel rounding of a scaled 4:5 (180x226) is 0.4 % off; a 3:2 photo size is not a format.
  return nearest.off < 0.02 ? nearest.f : null;
}

/**
 * The formats the job asked for that have no video, each with its reason: the part of the job's error
 * that names it ("The 9:16 video could not be made: …"), or the whole error when it names none.
 */
export function failedFormats(job: VideoJob, videos: readonly FormatVideo[]): FormatFailure[] {
  const made = new Set(videos.map((v) => v.format));
  const missing = canonicalFormats(job.options.formats).filter((f) => !made.has(f));
  const error = job.error ?? '';
  return missing.map((format) => ({ format, reason: reasonFor(format, error) }));
}

function reasonFor(format: VideoFormat, error: string): string {
  const start = error.indexOf(`The ${format} video`);
  if (start < 0) return error || 'The pipeline recorded no video of this format.';
  // Up to where the next format's sentence starts (failures are listed one after another).
  const rest = error.slice(start + 1);
  const next = VIDEO_FORMATS.map((f) => rest.indexOf(`The ${f} video`)).filter((i) => i >= 0);
  const end = next.length > 0 ? start + 1 + Math.min(...next) : error.length;
  return error.slice(start, end).trim().replace(/[;,]$/, '').trim();
}

/**
 * Reads a completed job's videos (the completion is written after every row, so they are there).
 * Null when none is readable yet: a caller reading too early tries again.
 */
export async function readJobOutputs(supabase: SupabaseClient, job: VideoJob): Promise<JobOutputs | null> {
  const ids = outputIdsOf(job);
  const { data, error } = await supabase.from('generated_videos').select('*').in('id', ids);
  if (error) throw new RequestError('read_failed', `The finished videos could not be read: ${error.message}`, 0);
  const rows = (data as GeneratedVideo[] | null) ?? [];
  const videos = rows
    .map((row) => ({ ...row, format: formatOfVideo(row) }))
    .sort((a, b) => order(a.format) - order(b.format) || ids.indexOf(a.id) - ids.indexOf(b.id));
  const [first] = videos;
  if (!first) return null;
  return { job, videos, video: first, failures: failedFormats(job, videos) };
}

const order = (format: VideoFormat | null) => (format ? VIDEO_FORMATS.indexOf(format) : VIDEO_FORMATS.length);
