import { ValidationError } from '../shared/domain/errors';
import type { PipelineSupabaseClient } from '../shared/adapters/supabase/create-supabase-client';
import { generatedVideoFromRow, videoJobFromRow } from '../shared/adapters/supabase/row-mapping';
import type { GeneratedVideo, VideoJob } from '../shared/domain/video-job';
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

export async function jobWithVideo(supabase: PipelineSupabaseClient, jobId: string): Promise<{ job: VideoJob | null; video: GeneratedVideo | null }> {
  const [job, video] = await Promise.all([
    supabase.from('video_jobs').select('*').eq('id', jobId).maybeSingle(),
    supabase.from('generated_videos').select('*').eq('id', jobId).maybeSingle(),
  ]);
  if (job.error) throw new Error(`the job could not be read: ${job.error.message}`);
  if (video.error) throw new Error(`the video could not be read: ${video.error.message}`);
  return { job: job.data && videoJobFromRow(job.data), video: video.data && generatedVideoFromRow(video.data) };
}

export function countByStatus(jobs: VideoJob[]): Record<JobStatus, number> {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const job of jobs) counts[job.status] += 1;
  return counts;
}
