/** A `video_renders` row (supabase/migrations/20250601000600_video_renders.sql): the render answering for one job and format. */
export const RENDER_STATUSES = ['starting', 'rendering', 'succeeded', 'failed', 'timeout'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];

/** The one format every job renders until jobs ask for several (issue 15). */
export const DEFAULT_RENDER_FORMAT = 'landscape';

export interface VideoRender {
  job_id: string;
  format: string;
  status: RenderStatus;
  attempt: number;
  /** Remotion's renderId; null while the start is in progress. */
  render_id: string | null;
  /** The bucket Remotion keeps the render's progress in (getRenderProgress needs it). */
  bucket_name: string | null;
  error: string | null;
  cost_usd: number | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export type RenderPatch = Partial<Pick<VideoRender, 'status' | 'render_id' | 'bucket_name' | 'error' | 'cost_usd' | 'finished_at'>>;

export function isRenderStatus(value: unknown): value is RenderStatus {
  return typeof value === 'string' && (RENDER_STATUSES as readonly string[]).includes(value);
}

/** A render that may still produce its output (or is producing it): never start a second one beside it. */
export function isRenderInFlight(status: RenderStatus): boolean {
  return status === 'starting' || status === 'rendering';
}
