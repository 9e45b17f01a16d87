import { UpstreamError } from '../../domain/errors';
import { showValue } from '../../domain/show-value';
import { isVideoFormat, type VideoFormat } from '../../domain/video-formats';
import { isRenderStatus, type RenderPatch, type RenderStatus, type VideoRender } from '../../domain/video-render';
import type { RenderRecords } from '../../ports/render-records';
import type { PipelineSupabaseClient } from './create-supabase-client';
import type { Tables } from './database.types';
import { dbFailure } from './supabase-job-store';

function renderFromRow(row: Tables<'video_renders'>): VideoRender {
  if (!isRenderStatus(row.status)) {
    throw new UpstreamError('supabase', `video_renders row ${row.job_id}/${row.format}: status is not a render status (got ${showValue(row.status)})`, { retryable: false, code: 'invalid_row' });
  }
  if (!isVideoFormat(row.format)) {
    throw new UpstreamError('supabase', `video_renders row ${row.job_id}/${row.format}: format is not a video format (got ${showValue(row.format)})`, { retryable: false, code: 'invalid_row' });
  }
  return { ...row, status: row.status, format: row.format };
}

/** Render records on Supabase (PostgREST): conditional updates are the compare-and-set. */
export class SupabaseRenderRecords implements RenderRecords {
  constructor(private readonly client: PipelineSupabaseClient) {}

  async get(jobId: string, format: VideoFormat): Promise<VideoRender | null> {
    const { data, error, status } = await this.client.from('video_renders').select('*').eq('job_id', jobId).eq('format', format).maybeSingle();
    if (error) throw dbFailure('read of video_renders', error, status);
    return data && renderFromRow(data);
  }

  async reserve(jobId: string, format: VideoFormat, abandonedBefore: Date): Promise<VideoRender | null> {
    // One round trip when there is no row yet: PostgREST returns only the rows it inserted.
    const inserted = await this.client.from('video_renders').upsert({ job_id: jobId, format, status: 'starting' }, { onConflict: 'job_id,format', ignoreDuplicates: true }).select('*');
    if (inserted.error) throw dbFailure('insert of video_renders', inserted.error, inserted.status);
    if (inserted.data[0]) return renderFromRow(inserted.data[0]);
    const current = await this.get(jobId, format);
    if (!current) return null;
    // A failure marked not retryable is final: its format was given up.
    const ended = (current.status === 'failed' || current.status === 'timeout') && current.retryable;
    const abandoned = current.status === 'starting' && new Date(current.updated_at) < abandonedBefore;
    if (!ended && !abandoned) return null;
    // Only the delivery that moves this exact attempt on wins.
    const { data, error, status } = await this.client
      .from('video_renders')
      .update({ status: 'starting', attempt: current.attempt + 1, render_id: null, bucket_name: null, error: null, retryable: true, cost_usd: null, finished_at: null, started_at: new Date().toISOString() })
      .eq('job_id', jobId)
      .eq('format', format)
      .eq('status', current.status)
      .eq('attempt', current.attempt)
      .select('*');
    if (error) throw dbFailure('update of video_renders', error, status);
    return data[0] ? renderFromRow(data[0]) : null;
  }

  async updateWhere(jobId: string, format: VideoFormat, from: readonly RenderStatus[], patch: RenderPatch, renderId?: string): Promise<VideoRender | null> {
    let query = this.client.from('video_renders').update(patch).eq('job_id', jobId).eq('format', format).in('status', [...from]);
    if (renderId !== undefined) query = query.eq('render_id', renderId);
    const { data, error, status } = await query.select('*');
    if (error) throw dbFailure('update of video_renders', error, status);
    return data[0] ? renderFromRow(data[0]) : null;
  }

  async countInFlight(since: Date): Promise<number> {
    const { count, error, status } = await this.client
      .from('video_renders')
      .select('job_id', { count: 'exact', head: true })
      .in('status', ['starting', 'rendering'])
      .gte('started_at', since.toISOString());
    if (error) throw dbFailure('count of video_renders', error, status);
    return count ?? 0;
  }
}
