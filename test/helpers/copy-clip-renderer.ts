import { readFileSync } from 'node:fs';
import type { VideoFormat } from '../../shared/domain/video-formats';
import type { ObjectStore } from '../../shared/ports/object-store';
import type { Renderer, RenderRequest, RenderResult } from '../../shared/ports/renderer';

const DEFAULT_POSTER = 'remotion/public/sample/villa-small.jpg';

/**
 * NOT a render: stores the LTX clip itself as the "rendered" video and a fixed JPEG as the poster,
 * through the same object store and with the same metadata as the local Remotion renderer. For the
 * whole-stack suites whose subject is not Remotion (load, faults, security, the CLI, the web client):
 * a real render costs about 10 s here and would measure Remotion, not what they test. Remotion is
 * covered by test/remotion, and real renders run through the stack in test/pipeline,
 * test/faults/crash-restart and test/web/app.
 */
export class CopyClipRenderer implements Renderer {
  /** The job of each render done, one entry per format. */
  readonly rendered: string[] = [];
  /** Each render done, with its format and size (a multi-format job has one per format). */
  readonly renders: Array<{ jobId: string; format: VideoFormat; width: number; height: number; clipUrl: string }> = [];
  running = 0;
  /** Called as each render starts (tests switch faults on here). */
  onRender: ((jobId: string) => void) | undefined;
  maxConcurrentSeen = 0;
  private readonly poster: Buffer;

  constructor(
    private readonly store: ObjectStore,
    options: { posterFile?: string; delayMs?: number } = {},
  ) {
    this.poster = readFileSync(options.posterFile ?? DEFAULT_POSTER);
    this.delayMs = options.delayMs ?? 0;
  }

  private readonly delayMs: number;

  async render(request: RenderRequest): Promise<RenderResult> {
    this.running++;
    this.maxConcurrentSeen = Math.max(this.maxConcurrentSeen, this.running);
    const started = Date.now();
    this.onRender?.(request.jobId);
    try {
      const clip = await fetch(request.props.clipUrl);
      if (!clip.ok) throw new Error(`clip GET answered ${clip.status}`);
      const bytes = Buffer.from(await clip.arrayBuffer());
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      request.onProgress?.(0.5);
      await this.store.put(request.videoKey, bytes, {
        contentType: 'video/mp4',
        contentLength: bytes.length,
        metadata: { width: String(request.width), height: String(request.height), 'duration-seconds': String(request.props.clipDurationSeconds) },
      });
      await this.store.put(request.thumbnailKey, this.poster, { contentType: 'image/jpeg', contentLength: this.poster.length });
      request.onProgress?.(1);
      this.rendered.push(request.jobId);
      this.renders.push({ jobId: request.jobId, format: request.props.format, width: request.width, height: request.height, clipUrl: request.props.clipUrl });
      return {
        videoKey: request.videoKey,
        thumbnailKey: request.thumbnailKey,
        sizeBytes: bytes.length,
        durationSeconds: request.props.clipDurationSeconds,
        width: request.width,
        height: request.height,
        renderSeconds: (Date.now() - started) / 1000,
      };
    } finally {
      this.running--;
    }
  }
}
