import type {
  GetRenderProgressInput,
  RenderMediaOnLambdaInput,
  RenderMediaOnLambdaOutput,
  RenderProgress,
  RenderStillOnLambdaInput,
  RenderStillOnLambdaOutput,
} from '@remotion/lambda/client';
import { UpstreamError } from '../domain/errors';
import { COMPOSITION_ID } from '../domain/video-template';
import { durationInFramesFor, posterFrame } from '../domain/video-template-timeline';
import { framesPerLambdaFor } from '../domain/lambda-render-plan';
import { checkFormatAndSize } from '../domain/template-layout';
import { POSTER_ENCODING, VIDEO_ENCODING } from '../domain/render-settings';
import type { Logger } from '../ports/logger';
import type { RenderStarter, RenderState, StartedRender, StartRenderRequest } from '../ports/render-starter';

/**
 * The render starter on Remotion Lambda (remotion.dev/docs/lambda). `renderMediaOnLambda` starts the
 * video with a webhook (Remotion POSTs the end to the web API, signed with the secret) and returns at
 * once with the renderId; the poster is `renderStillOnLambda` (one function, a few seconds, and
 * Remotion gives stills no webhook), rendered meanwhile. Both write straight into the pipeline bucket
 * (`outName: {bucketName, key}`) with Remotion's own role. The clip reaches Remotion as a presigned
 * GET (`props.clipUrl`), so Remotion's role needs no read access to `ltx-videos/`. `state` reads a
 * render's progress from Remotion's bucket with `skipLambdaInvocation` (no Lambda is invoked).
 */

/** The calls of `@remotion/lambda/client` this adapter makes; tests pass a double. */
export interface RemotionLambdaClient {
  renderMediaOnLambda(input: RenderMediaOnLambdaInput): Promise<RenderMediaOnLambdaOutput>;
  getRenderProgress(input: GetRenderProgressInput): Promise<RenderProgress>;
  renderStillOnLambda(input: RenderStillOnLambdaInput): Promise<RenderStillOnLambdaOutput>;
}

export type RemotionDeleteAfter = '1-day' | '3-days' | '7-days' | '30-days';

export interface RemotionLambdaRendererOptions {
  region: string;
  /** A function deployed by the same @remotion/lambda version as the one installed (scripts/deploy-remotion.ts). */
  functionName: string;
  serveUrl: string;
  /** Where Remotion reports the render's end (the web API's POST /webhooks/remotion) and the secret it signs with. */
  webhook: { url: string; secret: string };
  /** Remotion's own files of the render (progress, chunks) expire after this; renders in the pipeline bucket are not touched. */
  deleteAfter?: RemotionDeleteAfter;
  /** Remotion's company licence key (remotion.pro), sent with each render for usage reporting. */
  licenseKey?: string;
  /** Defaults to `@remotion/lambda/client`, loaded on first use. */
  client?: RemotionLambdaClient;
  /** Frame of the poster; defaults to the template's own choice, as the local renderer uses. */
  posterFrame?: (durationInFrames: number, fps: number) => number;
  /** Whether a Remotion error is worth another attempt; defaults to Remotion's own `isFlakyError`. */
  isFlakyError?: (error: Error) => boolean;
  log?: Logger;
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

export class RemotionLambdaRenderer implements RenderStarter {
  private readonly options: RemotionLambdaRendererOptions;
  private flakyCheck: ((error: Error) => boolean) | undefined;

  constructor(options: RemotionLambdaRendererOptions) {
    for (const field of ['region', 'functionName', 'serveUrl'] as const) {
      if (typeof options[field] !== 'string' || options[field].length === 0) {
        throw new UpstreamError('remotion', `${field} must be a non-empty string, got ${JSON.stringify(options[field])}`, { retryable: false, code: 'config_error' });
      }
    }
    if (!/^https:\/\//.test(options.webhook?.url ?? '') || !options.webhook?.secret) {
      throw new UpstreamError('remotion', 'the render webhook needs an https url and a secret (REMOTION_WEBHOOK_URL, REMOTION_WEBHOOK_SECRET_PARAM)', { retryable: false, code: 'config_error' });
    }
    this.options = options;
  }

  async start(request: StartRenderRequest): Promise<StartedRender> {
    const o = this.options;
    // A size of another shape than the format's would lay one platform's layout out on another's frame: refused before any function is paid for.
    checkFormatAndSize(request.props.format, request.width, request.height);
    const client = await this.client();
    const durationInFrames = durationInFramesFor(request.props.clipDurationSeconds, request.fps);
    // The composition's size, fps and length follow the job, whatever the template's defaults are.
    const common = {
      region: o.region as RenderMediaOnLambdaInput['region'],
      functionName: o.functionName,
      serveUrl: o.serveUrl,
      composition: COMPOSITION_ID,
      inputProps: { ...request.props },
      // The pipeline bucket has ACLs disabled (bucket owner enforced): an ACL on the PUT would be refused.
      privacy: 'no-acl' as const,
      forceWidth: request.width,
      forceHeight: request.height,
      forceFps: request.fps,
      forceDurationInFrames: durationInFrames,
      ...(o.licenseKey ? { licenseKey: o.licenseKey } : {}),
    };
    const [media, still] = await Promise.all([
      client
        .renderMediaOnLambda({
          ...common,
          ...VIDEO_ENCODING,
          // How the frames are split across functions: lambda-render-plan.ts says why.
          framesPerLambda: framesPerLambdaFor({ durationInFrames, width: request.width, height: request.height }),
          outName: { bucketName: request.bucket, key: request.videoKey },
          // A render started again after a failed attempt writes the same key: replace, do not fail.
          overwrite: true,
          webhook: { url: o.webhook.url, secret: o.webhook.secret, customData: { ...request.customData } },
          ...(o.deleteAfter ? { deleteAfter: o.deleteAfter } : {}),
        })
        .catch((err: unknown) => {
          throw this.upstream('renderMediaOnLambda failed', err);
        }),
      client
        .renderStillOnLambda({
          ...common,
          ...POSTER_ENCODING,
          frame: (o.posterFrame ?? posterFrame)(durationInFrames, request.fps),
          outName: { bucketName: request.bucket, key: request.thumbnailKey },
          ...(o.deleteAfter ? { deleteAfter: o.deleteAfter } : {}),
        })
        .catch((err: unknown) => {
          throw this.upstream('renderStillOnLambda failed', err);
        }),
    ]);
    o.log?.log('info', 'remotion render started', { jobId: request.jobId, renderId: media.renderId, bucketName: media.bucketName, posterCostUsd: still.estimatedPrice.accruedSoFar });
    return { renderId: media.renderId, bucketName: media.bucketName, costUsd: still.estimatedPrice.accruedSoFar };
  }

  async state(render: { renderId: string; bucketName: string }): Promise<RenderState> {
    const o = this.options;
    const client = await this.client();
    let progress: RenderProgress;
    try {
      progress = await client.getRenderProgress({
        renderId: render.renderId,
        bucketName: render.bucketName,
        functionName: o.functionName,
        region: o.region as GetRenderProgressInput['region'],
        // Reads progress.json from Remotion's bucket directly: no 3008 MB function invoked per look.
        skipLambdaInvocation: true,
      });
    } catch (err) {
      throw this.upstream('getRenderProgress failed', err);
    }
    if (progress.fatalErrorEncountered) {
      const first = progress.errors[0];
      const message = first ? first.message : 'fatal error without details';
      const asError = Object.assign(new Error(message), { stack: first?.stack ?? message });
      return { state: 'failed', reason: `render ${render.renderId} failed: ${message}`, retryable: this.isFlaky(asError) };
    }
    if (progress.done) return { state: 'done', costUsd: progress.costs.accruedSoFar };
    return { state: 'running', progress: progress.overallProgress };
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
