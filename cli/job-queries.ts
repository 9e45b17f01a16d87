import { ValidationError } from '../shared/domain/errors';
import type { PipelineSupabaseClient } from '../shared/adapters/supabase/create-supabase-client';
import { generatedVideoFromRow, videoJobFromRow } from '../shared/adapters/supabase/row-mapping';
import type { VideoJob } from '../shared/domain/video-job';
import { failedFormats, formatOfVideo, outputIdsOf, type FormatFailure, type FormatVideo } from '../web/client/job-outputs';
import { isJobStatus, JOB_STATUSES, type JobStatus } from '../shared/domain/job-status';

/** Reads for `status` and `list`, with the service role (every user's jobs). */
export async function recentJobs(supabase: PipelineSupabaseClient, opts: { status?: string; limit: number }): Promise<VideoJob[]> {
  if (opts.status !== undefined && !isJobStatus(opts.status)) {
    throw new ValidationError('status', `--status must be one of ${JOB_STATUSES.join(', ')}, got ${JSON.stringify(opts.status)}`);
  }
  let query = supabase.from('video_jobs').select('*').order('created_at', { ascending: false }).limit(opts.limit);
  if (opts.status) query = query.eq('status', opts.status);
  const { data, error } = await query;
  if (error) throw new Error(`the jobs could not be read: ${error.message}`);
  return (data ?? []).map(videoJobFromRow);
}

/**
 * A job and the videos it made: the rows `generated_video_ids` names (the job's own id for a row from
 * before formats), each with its format, in the canonical order; `failures` are the formats it asked
 * for that a completed job did not make, with the reason its `error` gives.
 */
export async function jobWithVideos(supabase: PipelineSupabaseClient, jobId: string): Promise<{ job: VideoJob | null; videos: FormatVideo[]; failures: FormatFailure[] }> {
  const job = await supabase.from('video_jobs').select('*').eq('id', jobId).maybeSingle();
  if (job.error) throw new Error(`the job could not be read: ${job.error.message}`);
  if (!job.data) return { job: null, videos: [], failures: [] };
  const row = videoJobFromRow(job.data);
  const ids = outputIdsOf(row);
  const videos = await supabase.from('generated_videos').select('*').in('id', ids);
  if (videos.error) throw new Error(`the videos could not be read: ${videos.error.message}`);
  const found = videos.data.map((v) => ({ ...generatedVideoFromRow(v), format: formatOfVideo({ resolution: v.resolution ?? '' }) }));
  found.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  return { job: row, videos: found, failures: row.status === 'completed' ? failedFormats(row, found) : [] };
}

export function countByStatus(jobs: VideoJob[]): Record<JobStatus, number> {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const job of jobs) counts[job.status] += 1;
  return counts;
}
