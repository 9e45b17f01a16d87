/**
 * The renderer port: turns the LTX clip into the branded video and its poster, and writes both into
 * the pipeline bucket. Locally it is `@remotion/renderer` (remotion/render-local.ts); in AWS it is
 * Remotion Lambda (shared/adapters/remotion-lambda-renderer.ts).
 */
import type { VillaVideoProps } from '../domain/video-template';

export interface RenderRequest {
  jobId: string;
  props: VillaVideoProps;
  width: number;
  height: number;
  fps: number;
  /** Where the deliverables go, in the pipeline bucket. */
  bucket: string;
  videoKey: string;
  thumbnailKey: string;
  /** Called with 0..1 as the render advances; may be called often, callers throttle. */
  onProgress?: (progress: number) => void;
  signal?: AbortSignal;
}

export interface RenderResult {
  videoKey: string;
  thumbnailKey: string;
  sizeBytes: number;
  durationSeconds: number;
  width: number;
  height: number;
  /** Wall time of the render, seconds. */
  renderSeconds: number;
  /** Reported cost where the backend knows it (Remotion Lambda), USD. */
  costUsd?: number;
}

export interface Renderer {
  render(request: RenderRequest): Promise<RenderResult>;
}
