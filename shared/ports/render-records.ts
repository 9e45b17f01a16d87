import type { VideoFormat } from '../domain/video-formats';
import type { RenderPatch, RenderStatus, VideoRender } from '../domain/video-render';

/**
 * The record of each job's Remotion render (the `video_renders` table): what makes "one paid render
 * per job" hold across redeliveries, retries, crashes and late webhooks.
 */
export interface RenderRecords {
  get(jobId: string, format: VideoFormat): Promise<VideoRender | null>;
  /**
   * Reserves the right to start a render: creates the row in `starting`, or takes over a row whose
   * render ended without output (`failed`, `timeout`) or whose start was abandoned (`starting` and
   * unchanged since `abandonedBefore`: the process died inside the start call), as the next attempt.
   * Returns null when another render holds the row (in flight, or succeeded).
   */
  reserve(jobId: string, format: VideoFormat, abandonedBefore: Date): Promise<VideoRender | null>;
  /** Compare-and-set on the row's status (and, when given, its render id); null when it had moved on. */
  updateWhere(jobId: string, format: VideoFormat, from: readonly RenderStatus[], patch: RenderPatch, renderId?: string): Promise<VideoRender | null>;
  /** Renders started (or starting) since `since`: the concurrency limit's count. */
  countInFlight(since: Date): Promise<number>;
}
