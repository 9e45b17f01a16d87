import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '@remotion/bundler';
import { makeCancelSignal, openBrowser, renderMedia, renderStill, selectComposition } from '@remotion/renderer';
import { PipelineError, UpstreamError } from '../shared/domain/errors';
import type { ObjectStore } from '../shared/ports/object-store';
import { type Renderer, type RenderRequest, type RenderResult } from '../shared/ports/renderer';
import { COMPOSITION_ID } from '../shared/domain/video-template';
import { remotionBrowserOptions, resolveBrowserExecutable, type RemotionBrowserOptions } from './browser-executable';
import { durationInFramesFor, posterFrame } from '../shared/domain/video-template-timeline';
import { validateRenderRequest } from './validate-render-request';
import { POSTER_ENCODING, VIDEO_ENCODING } from '../shared/domain/render-settings';

type Browser = Awaited<ReturnType<typeof openBrowser>>;

export interface LocalRemotionRendererOptions {
  store: ObjectStore;
  /** REMOTION_BROWSER_EXECUTABLE, from the config module; else a Chromium on the machine (browser-executable.ts). */
  browserExecutable?: string;
  /** Browser tabs rendering frames in parallel; Remotion's default (half the cores) when unset. */
  concurrency?: number;
  /** Where the video and poster are written before upload; the OS temp dir by default. */
  tmpDir?: string;
  log?: (line: string) => void;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ENTRY_POINT = path.join(HERE, 'index.ts');
const PUBLIC_DIR = path.join(HERE, 'public');

/** One webpack bundle per process: every renderer instance shares it (bundling takes seconds). */
let bundling: Promise<string> | null = null;

export function bundleTemplate(log: (line: string) => void = () => {}): Promise<string> {
  if (bundling === null) {
    const started = Date.now();
    bundling = bundle({ entryPoint: ENTRY_POINT, publicDir: PUBLIC_DIR, rootDir: path.dirname(HERE) }).then(
      (serveUrl) => {
        log(`remotion: template bundled in ${((Date.now() - started) / 1000).toFixed(1)} s at ${serveUrl}`);
        return serveUrl;
      },
      (err: unknown) => {
        // A failed bundle is not cached: the next render tries again.
        bundling = null;
        throw err;
      },
    );
  }
  return bundling;
}

/**
 * The renderer port on `@remotion/renderer`, for the local stack: bundles the template once, keeps
 * one browser open across renders, renders the video (H.264 + AAC) and the poster still into a temp
 * folder, uploads both through the object store and removes the temp files. Nothing is fetched from
 * the internet: fonts and music are static files of the bundle, the clip comes from `clipUrl`.
 */
export class LocalRemotionRenderer implements Renderer {
  private readonly store: ObjectStore;
  private readonly browserOptions: RemotionBrowserOptions;
  private readonly concurrency: number | undefined;
  private readonly tmpDir: string;
  private readonly log: (line: string) => void;
  private browser: Promise<Browser> | null = null;
  private closed = false;

  constructor(options: LocalRemotionRendererOptions) {
    this.store = options.store;
    // Resolved now, so a REMOTION_BROWSER_EXECUTABLE that points nowhere (or no Chromium at all) fails at start, not at the first job.
    this.browserOptions = remotionBrowserOptions(resolveBrowserExecutable(options.browserExecutable));
    this.concurrency = options.concurrency;
    this.tmpDir = options.tmpDir ?? os.tmpdir();
    this.log = options.log ?? (() => {});
  }

  async render(request: RenderRequest): Promise<RenderResult> {
    validateRenderRequest(request);
    if (this.closed) throw new PipelineError('renderer_closed', 'the local renderer was closed');
    request.signal?.throwIfAborted();
    const started = Date.now();
    const { cancelSignal, cancel } = makeCancelSignal();
    const onAbort = () => cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const workDir = await mkdtemp(path.join(this.tmpDir, 'villa-render-'));
    try {
      const serveUrl = await bundleTemplate(this.log);
      const browser = await this.openBrowserOnce();
      const inputProps = { ...request.props };
      const selected = await selectComposition({ serveUrl, id: COMPOSITION_ID, inputProps, puppeteerInstance: browser, ...this.browserOptions, logLevel: 'error' });
      // The caller's size and frame rate win over the composition's defaults; the length follows the clip.
      const durationInFrames = durationInFramesFor(request.props.clipDurationSeconds, request.fps);
      const composition = { ...selected, width: request.width, height: request.height, fps: request.fps, durationInFrames };
      const videoFile = path.join(workDir, 'video.mp4');
      const posterFile = path.join(workDir, 'poster.jpg');
      this.log(`remotion: rendering ${request.jobId} (${request.props.format}) at ${request.width}x${request.height}, ${durationInFrames} frames at ${request.fps} fps`);

      await renderMedia({
        serveUrl,
        composition,
        inputProps,
        ...VIDEO_ENCODING,
        // Music is always there, but an AAC track is part of the deliverable's contract even if it were silent.
        enforceAudioTrack: true,
        outputLocation: videoFile,
        puppeteerInstance: browser,
        ...this.browserOptions,
        concurrency: this.concurrency ?? null,
        cancelSignal,
        logLevel: 'error',
        onProgress: ({ progress }) => request.onProgress?.(Math.min(0.97, progress * 0.97)),
      });
      const frame = posterFrame(durationInFrames, request.fps);
      await renderStill({
        serveUrl,
        composition,
        inputProps,
        frame,
        output: posterFile,
        ...POSTER_ENCODING,
        // Asked again: if a tab crashed during renderMedia, Remotion replaced (and closed) the browser.
        puppeteerInstance: await this.openBrowserOnce(),
        ...this.browserOptions,
        cancelSignal,
        logLevel: 'error',
      });

      const [video, poster] = await Promise.all([stat(videoFile), stat(posterFile)]);
      const durationSeconds = durationInFrames / request.fps;
      // Size and duration ride along as metadata: a redelivered event can record the row from a HEAD.
      await this.store.put(request.videoKey, createReadStream(videoFile), {
        contentType: 'video/mp4',
        contentLength: video.size,
        metadata: { width: String(request.width), height: String(request.height), 'duration-seconds': String(durationSeconds) },
      });
      await this.store.put(request.thumbnailKey, createReadStream(posterFile), { contentType: 'image/jpeg', contentLength: poster.size });
      request.onProgress?.(1);
      const renderSeconds = (Date.now() - started) / 1000;
      this.log(`remotion: ${request.jobId} rendered in ${renderSeconds.toFixed(1)} s, ${video.size} bytes, poster at frame ${frame}`);
      return {
        videoKey: request.videoKey,
        thumbnailKey: request.thumbnailKey,
        sizeBytes: video.size,
        durationSeconds,
        width: request.width,
        height: request.height,
        renderSeconds,
      };
    } catch (err) {
      if (request.signal?.aborted) {
        throw new UpstreamError('remotion', `render of ${request.jobId} was cancelled`, { retryable: true, code: 'render_cancelled', cause: err });
      }
      // A crashed or wedged browser would fail every later render: start a fresh one next time.
      if (!(err instanceof PipelineError)) await this.dropBrowser();
      throw err;
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** Closes the browser; renders after this fail. The bundle stays (it is per process, on disk). */
  async close(): Promise<void> {
    this.closed = true;
    await this.dropBrowser();
  }

  private openBrowserOnce(): Promise<Browser> {
    if (this.browser === null) {
      const opening = openBrowser('chrome', { ...this.browserOptions, logLevel: 'error' }).then(
        (browser) => {
          // Remotion closes the browser it was given when a tab crashes, and renders on with a new one
          // of its own (from the same browser options): the next call opens ours again.
          const forget = () => {
            if (this.browser === opening) this.browser = null;
          };
          browser.once('closed', forget);
          browser.once('closed-silent', forget);
          return browser;
        },
        (err: unknown) => {
          this.browser = null;
          throw err;
        },
      );
      this.browser = opening;
    }
    return this.browser;
  }

  private async dropBrowser(): Promise<void> {
    const pending = this.browser;
    this.browser = null;
    if (pending === null) return;
    const browser = await pending.catch(() => null);
    await browser?.close({ silent: true }).catch(() => {});
  }
}
