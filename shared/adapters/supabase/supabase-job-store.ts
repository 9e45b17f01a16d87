import { UpstreamError } from '../../domain/errors';
import { assertTransitions, type JobStatus } from '../../domain/job-status';
import type { JobStore } from '../../ports/job-store';
import type { GeneratedVideo, JobPatch, NewJob, NewUploadJob, VideoJob } from '../../domain/video-job';
import type { PipelineSupabaseClient } from './create-supabase-client';
import { generatedVideoFromRow, videoJobFromRow } from './row-mapping';

export interface PostgrestLikeError {
  message: string;
  code?: string;
  details?: string | null;
  hint?: string | null;
}

/**
 * supabase-js reports failures as values. A network failure or a 5xx (the database restarting) is
 * worth retrying; a 4xx (a bad column, a constraint) is a bug or bad data and is not.
 */
export function dbFailure(action: string, error: PostgrestLikeError, status: number): UpstreamError {
  const retryable = status === 0 || status >= 500 || status === 408 || status === 429 || /fetch failed|ECONNREFUSED|network/i.test(error.message);
  return new UpstreamError('supabase', `database ${action} failed: ${error.message}`, { status: status || undefined, retryable, code: error.code, cause: error });
}

/** The job store on Supabase (PostgREST), typed by the generated `Database`; rows are checked on the way out. */
export class SupabaseJobStore implements JobStore {
  constructor(private readonly client: PipelineSupabaseClient) {}

  async createUpload(job: NewUploadJob, since: Date, limit: number | null): Promise<{ job: VideoJob; used: number } | { refused: true; used: number }> {
    const { data, error, status } = await this.client.rpc('create_upload_job', {
      p_id: job.id,
      p_user_id: job.user_id,
      p_options: job.options,
      p_source_key: job.source_key,
      p_since: since.toISOString(),
      ...(limit === null ? {} : { p_limit: limit }),
    });
    if (error) throw dbFailure('insert of video_jobs (create_upload_job)', error, status);
    const answer = data as { used: number | null; job?: unknown } | null;
    if (!answer || typeof answer !== 'object') throw new UpstreamError('supabase', `create_upload_job answered ${JSON.stringify(data)}`, { retryable: false });
    if (answer.job === undefined) return { refused: true, used: answer.used ?? 0 };
    return { job: videoJobFromRow(answer.job as Parameters<typeof videoJobFromRow>[0]), used: answer.used ?? 0 };
  }

  async createIfAbsent(job: NewJob): Promise<VideoJob> {
    // One round trip when the row is new: PostgREST returns only the rows it inserted.
    const { data, error, status } = await this.client.from('video_jobs').upsert(job, { onConflict: 'id', ignoreDuplicates: true }).select('*');
    if (error) throw dbFailure('insert of video_jobs', error, status);
    const inserted = data[0];
    if (inserted) return videoJobFromRow(inserted);
    const stored = await this.get(job.id);
    if (!stored) throw new UpstreamError('supabase', `job ${job.id} vanished right after insert`, { retryable: true });
    return stored;
  }

  async get(id: string): Promise<VideoJob | null> {
    const { data, error, status } = await this.client.from('video_jobs').select('*').eq('id', id).maybeSingle();
    if (error) throw dbFailure('read of video_jobs', error, status);
    return data && videoJobFromRow(data);
  }

  async updateWhere(id: string, from: readonly JobStatus[], patch: JobPatch, attempts?: number): Promise<VideoJob | null> {
    assertTransitions(id, from, patch.status);
    let query = this.client.from('video_jobs').update(patch).eq('id', id).in('status', [...from]);
    if (attempts !== undefined) query = query.eq('attempts', attempts);
    const { data, error, status } = await query.select('*');
    if (error) throw dbFailure('update of video_jobs', error, status);
    const updated = data[0];
    return updated ? videoJobFromRow(updated) : null;
  }

  async countCreatedSince(userId: string | null, since: Date): Promise<number> {
    const all = this.client.from('video_jobs').select('id', { count: 'exact', head: true });
    const { count, error, status } = await (userId === null ? all : all.eq('user_id', userId)).gte('created_at', since.toISOString());
    if (error) throw dbFailure('count of video_jobs', error, status);
    return count ?? 0;
  }

  async listCreatedSince(userId: string | null, since: Date, limit: number): Promise<string[]> {
    const all = this.client.from('video_jobs').select('id');
    const { data, error, status } = await (userId === null ? all : all.eq('user_id', userId))
      .gte('created_at', since.toISOString())
      .order('created_at', { ascending: true })
      .order('id', { ascending: true })
      .limit(limit);
    if (error) throw dbFailure('scan of video_jobs', error, status);
    return data.map((r) => r.id);
  }

  async deletePending(id: string): Promise<boolean> {
    const { data, error, status } = await this.client.from('video_jobs').delete().eq('id', id).eq('status', 'pending_upload').select('id');
    if (error) throw dbFailure('delete of video_jobs', error, status);
    return data.length > 0;
  }

  async insertGeneratedVideo(row: GeneratedVideo): Promise<GeneratedVideo> {
    const { data, error, status } = await this.client.from('generated_videos').upsert(row, { onConflict: 'id', ignoreDuplicates: true }).select('*');
    if (error) throw dbFailure('insert of generated_videos', error, status);
    const inserted = data[0];
    if (inserted) return generatedVideoFromRow(inserted);
    const stored = await this.getGeneratedVideo(row.id);
    if (!stored) throw new UpstreamError('supabase', `generated_videos row ${row.id} vanished right after insert`, { retryable: true });
    return stored;
  }

  async getGeneratedVideo(id: string): Promise<GeneratedVideo | null> {
    const { data, error, status } = await this.client.from('generated_videos').select('*').eq('id', id).maybeSingle();
    if (error) throw dbFailure('read of generated_videos', error, status);
    return data && generatedVideoFromRow(data);
  }

  async listStale(statuses: readonly JobStatus[], before: Date, limit: number): Promise<VideoJob[]> {
    const { data, error, status } = await this.client
      .from('video_jobs')
      .select('*')
      .in('status', [...statuses])
      .lt('updated_at', before.toISOString())
      .order('updated_at', { ascending: true })
      .limit(limit);
    if (error) throw dbFailure('scan of video_jobs', error, status);
    return data.map(videoJobFromRow);
  }

  async listByStatus(statuses: readonly JobStatus[], limit: number): Promise<VideoJob[]> {
    const { data, error, status } = await this.client
      .from('video_jobs')
      .select('*')
      .in('status', [...statuses])
      .order('updated_at', { ascending: true })
      .limit(limit);
    if (error) throw dbFailure('scan of video_jobs', error, status);
    return data.map(videoJobFromRow);
  }
}
