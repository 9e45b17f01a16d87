import type {
  GetRenderProgressInput,
  RenderMediaOnLambdaInput,
  RenderMediaOnLambdaOutput,
  RenderProgress,
  RenderStillOnLambdaInput,
  RenderStillOnLambdaOutput,
} from '@remotion/lambda/client';
import { durationInFramesFor, posterFrame } from '../domain/video-template-timeline';
import { UpstreamError } from '../domain/errors';
import type { Logger } from '../ports/logger';
import { type Renderer, type RenderRequest, type RenderResult } from '../ports/renderer';
import { COMPOSITION_ID } from '../domain/video-template';
import { framesPerLambdaFor } from '../domain/lambda-render-plan';
import { POSTER_ENCODING, VIDEO_ENCODING } from '../domain/render-settings';

/**
 * The renderer port on Remotion Lambda (remotion.dev/docs/lambda): `renderMediaOnLambda` starts the
 * render, `getRenderProgress` is polled until `done` or `fatalErrorEncountered`, and
 * `renderStillOnLambda` renders the poster meanwhile. Both write straight into the pipeline bucket
 * (`outName: {bucketName, key}`), with Remotion's own role: the stack grants that role PutObject on
 * `renders/*` and `thumbnails/*` only. The clip reaches Remotion as a presigned GET (`props.clipUrl`),
 * so Remotion's role needs no read access to `ltx-videos/`.
 */

/** The three calls of `@remotion/lambda/client` this adapter makes; tests pass a double. */
export interface RemotionLambdaClient {
  renderMediaOnLambda(input: RenderMediaOnLambdaInput): Promise<RenderMediaOnLambdaOutput>;
  getRenderProgress(input: GetRenderProgressInput): Promise<RenderProgress>;
  renderStillOnLambda(input: RenderStillOnLambdaInput): Promise<RenderStillOnLambdaOutput>;
}

export interface RemotionLambdaRendererOptions {
  region: string;
  /** A function deployed by the same @remotion/lambda version as the one installed (scripts/deploy-remotion.ts). */
  functionName: string;
  serveUrl: string;
  /** Defaults to `@remotion/lambda/client`, loaded on first use. */
  client?: RemotionLambdaClient;
  /** Wait between progress polls. Remotion's docs poll about once a second; 2 s halves the invocations. */
  pollIntervalMs?: number;
  /** Give up (retryable) after this long; must stay below the calling function's own timeout. */
  timeoutMs?: number;
  /** Consecutive failed progress polls tolerated before giving up (a poll is itself a Lambda call). */
  maxPollFailures?: number;
  /** Frame of the poster; defaults to the template's own choice (shared/domain/video-template-timeline.ts), as the local renderer uses. */
  posterFrame?: (durationInFrames: number, fps: number) => number;
  /** Whether a Remotion error is worth another attempt; defaults to Remotion's own `isFlakyError`. */
  isFlakyError?: (error: Error) => boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: Logger;
}

interface ResolvedOptions {
  region: string;
  functionName: string;
  serveUrl: string;
  client: RemotionLambdaClient | undefined;
  pollIntervalMs: number;
  timeoutMs: number;
  maxPollFailures: number;
  posterFrame: (durationInFrames: number, fps: number) => number;
  isFlakyError: ((error: Error) => boolean) | undefined;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  log: Logger | undefined;
}

export const REMOTION_LAMBDA_DEFAULTS = {
  pollIntervalMs: 2_000,
  // The deployed Remotion function times out at 300 s; the render handler at 600 s (infra/function-specs.ts).
  timeoutMs: 480_000,
  maxPollFailures: 3,
} as const;

function resolveOptions(options: RemotionLambdaRendererOptions): ResolvedOptions {
  for (const field of ['region', 'functionName', 'serveUrl'] as const) {
    if (typeof options[field] !== 'string' || options[field].length === 0) {
      throw new UpstreamError('remotion', `${field} must be a non-empty string, got ${JSON.stringify(options[field])}`, { retryable: false, code: 'config_error' });
    }
  }
  const pollIntervalMs = options.pollIntervalMs ?? REMOTION_LAMBDA_DEFAULTS.pollIntervalMs;
  const timeoutMs = options.timeoutMs ?? REMOTION_LAMBDA_DEFAULTS.timeoutMs;
  if (!(pollIntervalMs >= 0) || !(timeoutMs > 0)) {
    throw new UpstreamError('remotion', `pollIntervalMs must be >= 0 and timeoutMs > 0, got ${pollIntervalMs} and ${timeoutMs}`, { retryable: false, code: 'config_error' });
  }
  return {
    region: options.region,
    functionName: options.functionName,
    serveUrl: options.serveUrl,
    client: options.client,
    pollIntervalMs,
    timeoutMs,
    maxPollFailures: options.maxPollFailures ?? REMOTION_LAMBDA_DEFAULTS.maxPollFailures,
    posterFrame: options.posterFrame ?? posterFrame,
    isFlakyError: options.isFlakyError,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: options.now ?? Date.now,
    log: options.log,
  };
}

/** AWS answers that mean "too much at once" (Lambda concurrency, API rate): a later attempt can pass. */
const THROTTLING_ERROR_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'ServiceException']);

type RemotionModule = typeof import('@remotion/lambda/client');
let remotionModule: Promise<RemotionModule> | undefined;
/** Loaded lazily: the module is large and only the render function in AWS needs it. */
function loadRemotion(): Promise<RemotionModule> {
  remotionModule ??= import('@remotion/lambda/client');
  return remotionModule;
}

export class RemotionLambdaRenderer implements Renderer {
  private readonly options: ResolvedOptions;

  constructor(options: RemotionLambdaRendererOptions) {
    this.options = resolveOptions(options);
  }

  async render(request: RenderRequest): Promise<RenderResult> {
    const o = this.options;
    const client = await this.client();
    const started = o.now();
    const durationInFrames = durationInFramesFor(request.props.clipDurationSeconds, request.fps);
    // The composition's size, fps and length follow the job, whatever the template's defaults are.
    const shape = {
      forceWidth: request.width,
      forceHeight: request.height,
      forceFps: request.fps,
      forceDurationInFrames: durationInFrames,
    };
    const common = {
      region: o.region as RenderMediaOnLambdaInput['region'],
      functionName: o.functionName,
      serveUrl: o.serveUrl,
      composition: COMPOSITION_ID,
      inputProps: { ...request.props },
      // The pipeline bucket has ACLs disabled (bucket owner enforced): an ACL on the PUT would be refused.
      privacy: 'no-acl' as const,
      ...shape,
    };

    let start: RenderMediaOnLambdaOutput;
    try {
      start = await client.renderMediaOnLambda({
        ...common,
        ...VIDEO_ENCODING,
        // How the frames are split across functions: lambda-render-plan.ts says why.
        framesPerLambda: framesPerLambdaFor({ durationInFrames, width: request.width, height: request.height }),
        outName: { bucketName: request.bucket, key: request.videoKey },
        // A redelivered event renders the same job again into the same key: replace, do not fail.
        overwrite: true,
      });
    } catch (err) {
      throw this.upstream('renderMediaOnLambda failed', err);
    }
    o.log?.log('info', 'remotion render started', { jobId: request.jobId, renderId: start.renderId, functionName: o.functionName });

    const [progress, still] = await Promise.all([
      this.pollUntilDone(request, start, started),
      this.renderPoster(request, common, durationInFrames),
    ]);
    const renderSeconds = (o.now() - started) / 1000;
    const costUsd = progress.costs.accruedSoFar + still.estimatedPrice.accruedSoFar;
    o.log?.log('info', 'remotion render finished', {
      jobId: request.jobId,
      renderId: start.renderId,
      renderSeconds,
      costUsd,
      costDisplay: progress.costs.displayCost,
      lambdasInvoked: progress.lambdasInvoked,
      timeToFinishMs: progress.timeToFinish,
      sizeBytes: progress.outputSizeInBytes,
    });
    return {
      videoKey: request.videoKey,
      thumbnailKey: request.thumbnailKey,
      sizeBytes: progress.outputSizeInBytes ?? progress.renderSize,
      durationSeconds: durationInFrames / request.fps,
      width: request.width,
      height: request.height,
      renderSeconds,
      costUsd,
    };
  }

  private async pollUntilDone(request: RenderRequest, start: RenderMediaOnLambdaOutput, started: number): Promise<RenderProgress> {
    const o = this.options;
    const client = await this.client();
    let failures = 0;
    for (;;) {
      if (request.signal?.aborted) throw new UpstreamError('remotion', `render ${start.renderId} aborted`, { retryable: true, cause: request.signal.reason });
      if (o.now() - started >= o.timeoutMs) {
        throw new UpstreamError('remotion', `render ${start.renderId} did not finish within ${o.timeoutMs} ms`, {
          retryable: true,
          code: 'render_timeout',
          context: { renderId: start.renderId },
        });
      }
      await o.sleep(o.pollIntervalMs);
      let progress: RenderProgress;
      try {
        progress = await client.getRenderProgress({ renderId: start.renderId, bucketName: start.bucketName, functionName: o.functionName, region: o.region as GetRenderProgressInput['region'] });
        failures = 0;
      } catch (err) {
        failures += 1;
        o.log?.log('warn', 'remotion progress poll failed', { renderId: start.renderId, failures, error: err instanceof Error ? err.message : String(err) });
        if (failures >= o.maxPollFailures) throw this.upstream(`getRenderProgress failed ${failures} times in a row`, err);
        continue;
      }
      if (progress.fatalErrorEncountered) throw this.fatal(start.renderId, progress);
      request.onProgress?.(progress.overallProgress);
      if (progress.done) return progress;
    }
  }

  private async renderPoster(request: RenderRequest, common: Omit<RenderStillOnLambdaInput, 'imageFormat'>, durationInFrames: number): Promise<RenderStillOnLambdaOutput> {
    const o = this.options;
    const client = await this.client();
    try {
      return await client.renderStillOnLambda({
        ...common,
        ...POSTER_ENCODING,
        frame: o.posterFrame(durationInFrames, request.fps),
        outName: { bucketName: request.bucket, key: request.thumbnailKey },
      });
    } catch (err) {
      throw this.upstream('renderStillOnLambda failed', err);
    }
  }

  private fatal(renderId: string, progress: RenderProgress): UpstreamError {
    const first = progress.errors[0];
    const message = first ? first.message : 'fatal error without details';
    const asError = Object.assign(new Error(message), { stack: first?.stack ?? message });
    return new UpstreamError('remotion', `render ${renderId} failed: ${message}`, {
      retryable: this.isFlaky(asError),
      code: 'render_failed',
      context: { renderId, errorType: first?.type, explanation: first?.explanation ?? null },
    });
  }

  private upstream(what: string, err: unknown): UpstreamError {
    if (err instanceof UpstreamError) return err;
    const error = err instanceof Error ? err : new Error(String(err));
    return new UpstreamError('remotion', `${what}: ${error.message}`, { retryable: this.isFlaky(error), cause: err });
  }

  private isFlaky(error: Error): boolean {
    if (THROTTLING_ERROR_NAMES.has(error.name)) return true;
    return this.flakyCheck?.(error) ?? false;
  }

  private flakyCheck: ((error: Error) => boolean) | undefined;
  private async client(): Promise<RemotionLambdaClient> {
    if (this.options.client && this.options.isFlakyError) {
      this.flakyCheck = this.options.isFlakyError;
      return this.options.client;
    }
    const remotion = await loadRemotion();
    this.flakyCheck = this.options.isFlakyError ?? remotion.LambdaClientInternals.isFlakyError;
    return this.options.client ?? remotion;
  }
}
