import { resolutionSize } from './job-options';
import { isVideoFormat, renderSizeFor, type VideoFormat } from './video-formats';

/** A `video_renders` row (supabase/migrations/20250601000600_video_renders.sql): the render answering for one job and format. */
export const RENDER_STATUSES = ['starting', 'rendering', 'succeeded', 'failed', 'timeout'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];

export interface VideoRender {
  job_id: string;
  format: VideoFormat;
  status: RenderStatus;
  attempt: number;
  /** Remotion's renderId; null while the start is in progress. */
  render_id: string | null;
  /** The bucket Remotion keeps the render's progress in (getRenderProgress needs it). */
  bucket_name: string | null;
  error: string | null;
  /** False when the render's failure is one a new attempt cannot cure (the format is given up at once). */
  retryable: boolean;
  cost_usd: number | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export type RenderPatch = Partial<Pick<VideoRender, 'status' | 'render_id' | 'bucket_name' | 'error' | 'retryable' | 'cost_usd' | 'finished_at'>>;

export function isRenderStatus(value: unknown): value is RenderStatus {
  return typeof value === 'string' && (RENDER_STATUSES as readonly string[]).includes(value);
}

/** A render that may still produce its output (or is producing it): never start a second one beside it. */
export function isRenderInFlight(status: RenderStatus): boolean {
  return status === 'starting' || status === 'rendering';
}

/**
 * Where one format of a job stands, from its render row: `pending` has no render answering for it
 * (no row yet, or the last attempt ended without output and attempts are left: the next delivery
 * starts one), `in_flight` is starting or rendering, `succeeded`, or `given_up` (ended without output
 * for good: the attempts are spent or the cause cannot be cured by another attempt).
 */
export type FormatStanding = 'pending' | 'in_flight' | 'succeeded' | 'given_up';

export function formatStanding(render: VideoRender | null, maxAttempts: number): FormatStanding {
  if (!render) return 'pending';
  if (isRenderInFlight(render.status)) return 'in_flight';
  if (render.status === 'succeeded') return 'succeeded';
  return !render.retryable || render.attempt >= maxAttempts ? 'given_up' : 'pending';
}

/**
 * The format a webhook's `customData.format` names. Renders started before jobs had formats carry
 * 'landscape' (the one format then, migrated to '16:9' in video_renders); anything else unknown is null.
 */
export function renderFormatOf(customDataFormat: string): VideoFormat | null {
  if (customDataFormat === 'landscape') return '16:9';
  return isVideoFormat(customDataFormat) ? customDataFormat : null;
}

/**
 * The size a format is rendered at: the format's delivered size, times `scale` (tests render small).
 * 16:9 follows the job's LTX resolution, as the one video did before formats (a 2560x1440 clip gives
 * a 2560x1440 video); the portrait formats are cut from the 1080x1920 portrait clip.
 */
export function formatRenderSize(format: VideoFormat, ltxResolution: string, scale = 1): { width: number; height: number } {
  const landscapeScale = format === '16:9' ? resolutionSize(ltxResolution).width / 1920 : 1;
  return renderSizeFor(format, scale * landscapeScale);
}
