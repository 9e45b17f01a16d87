import type { SupabaseClient } from '@supabase/supabase-js';
import type { GeneratedVideo, VideoJob } from '../../shared/domain/video-job';
import { RequestError } from './client-errors';
import { formatOfVideo, type FormatVideo } from './job-outputs';

/** The signed-in user's finished videos (one per format made), newest first (row-level security keeps them to their own). */
export async function listVideos(supabase: SupabaseClient, limit = 24): Promise<FormatVideo[]> {
  const { data, error } = await supabase.from('generated_videos').select('*').order('created_at', { ascending: false }).limit(limit);
  if (error) throw new RequestError('read_failed', `Your videos could not be loaded: ${error.message}`, 0);
  return ((data as GeneratedVideo[] | null) ?? []).map((row) => ({ ...row, format: formatOfVideo(row) }));
}

/** The signed-in user's jobs that have not finished well (in flight or failed), newest first. */
export async function listOpenJobs(supabase: SupabaseClient, limit = 24): Promise<VideoJob[]> {
  const { data, error } = await supabase.from('video_jobs').select('*').neq('status', 'completed').order('created_at', { ascending: false }).limit(limit);
  if (error) throw new RequestError('read_failed', `Your jobs could not be loaded: ${error.message}`, 0);
  return (data as VideoJob[] | null) ?? [];
}
