import { isRenderInFlight, type RenderPatch, type RenderStatus, type VideoRender } from '../../shared/domain/video-render';
import { isVideoFormat, type VideoFormat } from '../../shared/domain/video-formats';
import { constraintViolation } from './memory-job-store';
import type { RenderRecords } from '../../shared/ports/render-records';

/** RenderRecords over a Map, for in-process tests; the same contract as SupabaseRenderRecords. */
export class MemoryRenderRecords implements RenderRecords {
  readonly rows = new Map<string, VideoRender>();
  constructor(private readonly now: () => Date = () => new Date()) {}

  private key(jobId: string, format: VideoFormat): string {
    return `${jobId}/${format}`;
  }

  async get(jobId: string, format: VideoFormat): Promise<VideoRender | null> {
    const row = this.rows.get(this.key(jobId, format));
    return row ? { ...row } : null;
  }

  async reserve(jobId: string, format: VideoFormat, abandonedBefore: Date): Promise<VideoRender | null> {
    const stamp = this.now().toISOString();
    const current = this.rows.get(this.key(jobId, format));
    if (!current) {
      // As the table's check: a format is one of the VideoFormat ids.
      if (!isVideoFormat(format)) throw constraintViolation('23514', `new row for relation "video_renders" violates check constraint "video_renders_format_check"`);
      const row: VideoRender = { job_id: jobId, format, status: 'starting', attempt: 1, render_id: null, bucket_name: null, error: null, retryable: true, cost_usd: null, started_at: stamp, updated_at: stamp, finished_at: null };
      this.rows.set(this.key(jobId, format), row);
      return { ...row };
    }
    const ended = (current.status === 'failed' || current.status === 'timeout') && current.retryable;
    const abandoned = current.status === 'starting' && new Date(current.updated_at) < abandonedBefore;
    if (!ended && !abandoned) return null;
    const row: VideoRender = { ...current, status: 'starting', attempt: current.attempt + 1, render_id: null, bucket_name: null, error: null, retryable: true, cost_usd: null, finished_at: null, started_at: stamp, updated_at: stamp };
    this.rows.set(this.key(jobId, format), row);
    return { ...row };
  }

  async updateWhere(jobId: string, format: VideoFormat, from: readonly RenderStatus[], patch: RenderPatch, renderId?: string): Promise<VideoRender | null> {
    const current = this.rows.get(this.key(jobId, format));
    if (!current || !from.includes(current.status)) return null;
    if (renderId !== undefined && current.render_id !== renderId) return null;
    const row = { ...current, ...patch, updated_at: this.now().toISOString() };
    this.rows.set(this.key(jobId, format), row);
    return { ...row };
  }

  async countInFlight(since: Date): Promise<number> {
    return [...this.rows.values()].filter((r) => isRenderInFlight(r.status) && new Date(r.started_at) >= since).length;
  }
}
