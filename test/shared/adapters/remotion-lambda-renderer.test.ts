import type {
  GetRenderProgressInput,
  RenderMediaOnLambdaInput,
  RenderMediaOnLambdaOutput,
  RenderProgress,
  RenderStillOnLambdaInput,
  RenderStillOnLambdaOutput,
} from '@remotion/lambda/client';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../shared/domain/errors';
import type { Logger, LogLevel } from '../../../shared/ports/logger';
import { posterFrame } from '../../../shared/domain/video-template-timeline';
import { RemotionLambdaRenderer, type RemotionLambdaClient } from '../../../shared/adapters/remotion-lambda-renderer';
import type { StartRenderRequest } from '../../../shared/ports/render-starter';
import { COMPOSITION_ID } from '../../../shared/domain/video-template';
import { VIDEO_ENCODING } from '../../../shared/domain/render-settings';
import { LAMBDA_RENDER_PLANS } from '../../../shared/domain/lambda-render-plan';
import { VIDEO_FORMAT_SPECS } from '../../../shared/domain/video-formats';

/**
 * A stand-in for @remotion/lambda/client that answers the way Remotion's docs and types describe:
 * renderMediaOnLambda -> {renderId, bucketName, ...}; getRenderProgress -> RenderProgress snapshots
 * (overallProgress rising, `done`, or `fatalErrorEncountered` with `errors`); renderStillOnLambda ->
 * {estimatedPrice, sizeInBytes, outKey, ...}.
 */
class FakeRemotion implements RemotionLambdaClient {
  readonly mediaCalls: RenderMediaOnLambdaInput[] = [];
  readonly progressCalls: GetRenderProgressInput[] = [];
  readonly stillCalls: RenderStillOnLambdaInput[] = [];
  constructor(private readonly snapshots: Array<Partial<RenderProgress> | Error>) {}

  async renderMediaOnLambda(input: RenderMediaOnLambdaInput): Promise<RenderMediaOnLambdaOutput> {
    this.mediaCalls.push(input);
    return {
      renderId: 'r-123',
      bucketName: 'remotionlambda-useast1-abc',
      cloudWatchLogs: 'https://logs',
      cloudWatchMainLogs: 'https://logs/main',
      lambdaInsightsLogs: 'https://insights',
      folderInS3Console: 'https://s3',
      progressJsonInConsole: 'https://s3/progress.json',
    };
  }

  async getRenderProgress(input: GetRenderProgressInput): Promise<RenderProgress> {
    this.progressCalls.push(input);
    const next = this.snapshots.length > 1 ? this.snapshots.shift()! : this.snapshots[0]!;
    if (next instanceof Error) throw next;
    return progress(next);
  }

  async renderStillOnLambda(input: RenderStillOnLambdaInput): Promise<RenderStillOnLambdaOutput> {
    this.stillCalls.push(input);
    return {
      estimatedPrice: { accruedSoFar: 0.0004, displayCost: '$0.0004', currency: 'USD', disclaimer: 'estimate' },
      url: 'https://example/still.jpg',
      outKey: typeof input.outName === 'object' && input.outName ? input.outName.key : 'out.jpg',
      sizeInBytes: 12_000,
      bucketName: 'pipeline-bucket',
      renderId: 's-1',
      cloudWatchLogs: 'https://logs',
      artifacts: [],
    };
  }
}

function progress(over: Partial<RenderProgress>): RenderProgress {
  return {
    chunks: 0,
    done: false,
    encodingStatus: null,
    costs: { accruedSoFar: 0, displayCost: '$0', currency: 'USD', disclaimer: 'estimate' },
    renderId: 'r-123',
    renderMetadata: null,
    bucket: 'remotionlambda-useast1-abc',
    outputFile: null,
    outKey: null,
    outBucket: null,
    timeToFinish: null,
    errors: [],
    fatalErrorEncountered: false,
    currentTime: 0,
    renderSize: 0,
    lambdasInvoked: 1,
    cleanup: null,
    timeToFinishChunks: null,
    timeToRenderFrames: null,
    timeToEncode: null,
    overallProgress: 0,
    retriesInfo: [],
    mostExpensiveFrameRanges: null,
    framesRendered: 0,
    outputSizeInBytes: null,
    type: 'success',
    estimatedBillingDurationInMilliseconds: null,
    combinedFrames: 0,
    timeToCombine: null,
    timeoutTimestamp: 0,
    functionLaunched: 0,
    serveUrlOpened: null,
    compositionValidated: null,
    artifacts: [],
    ...over,
  };
}

function fatalError(message: string, stack = `Error: ${message}\n    at render`): RenderProgress['errors'][number] {
  return { type: 'renderer', message, name: 'Error', stack, frame: 12, chunk: 0, isFatal: true, attempt: 1, willRetry: false, totalAttempts: 1, tmpDir: null, s3Location: '', explanation: null };
}

function recordingLogger(): Logger & { lines: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }> = [];
  const logger = { lines, log: (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => lines.push({ level, message, fields }), child: () => logger };
  return logger;
}

const JOB = '7d1f3c2a-1b2c-4d5e-8f90-123456789abc';
const request = (over: Partial<StartRenderRequest> = {}): StartRenderRequest => ({
  jobId: JOB,
  customData: { jobId: JOB, format: 'landscape' },
  props: { clipUrl: 'https://bucket.s3.amazonaws.com/ltx-videos/u/job-1.mp4?X-Amz-Signature=abc', title: 'Villa Nismara', subtitle: 'Bali', musicFile: 'calm.mp3', clipDurationSeconds: 6, format: '16:9' },
  width: 1920,
  height: 1080,
  fps: 25,
  bucket: 'villa-video-media-123',
  videoKey: 'renders/u/job-1.mp4',
  thumbnailKey: 'thumbnails/u/job-1.jpg',
  ...over,
});

const base = {
  region: 'us-east-1',
  functionName: 'remotion-render-4-0-527-mem3008mb-disk10240mb-300sec',
  serveUrl: 'https://remotionlambda-useast1-abc.s3.us-east-1.amazonaws.com/sites/site/index.html',
  webhook: { url: 'https://abc.lambda-url.us-east-1.on.aws/webhooks/remotion', secret: 'whsec-0123456789abcdef' },
};

describe('RemotionLambdaRenderer: start with a webhook, never wait', () => {
  it('starts the video with the composition, props, h264, outName, the webhook with customData, deleteAfter and the licence key, and returns at once', async () => {
    const fake = new FakeRemotion([{ overallProgress: 0 }]);
    const log = recordingLogger();
    const renderer = new RemotionLambdaRenderer({ ...base, deleteAfter: '7-days', licenseKey: 'rm-license-1', client: fake, isFlakyError: () => false, log });

    const started = await renderer.start(request());

    expect(started).toEqual({ renderId: 'r-123', bucketName: 'remotionlambda-useast1-abc', costUsd: 0.0004 });
    expect(fake.mediaCalls).toHaveLength(1);
    // Nothing is polled: the webhook reports the end.
    expect(fake.progressCalls).toHaveLength(0);
    const media = fake.mediaCalls[0]!;
    expect(media).toMatchObject({
      region: 'us-east-1',
      functionName: base.functionName,
      serveUrl: base.serveUrl,
      composition: COMPOSITION_ID,
      codec: 'h264',
      privacy: 'no-acl',
      overwrite: true,
      outName: { bucketName: 'villa-video-media-123', key: 'renders/u/job-1.mp4' },
      webhook: { url: base.webhook.url, secret: base.webhook.secret, customData: { jobId: JOB, format: 'landscape' } },
      deleteAfter: '7-days',
      licenseKey: 'rm-license-1',
      forceWidth: 1920,
      forceHeight: 1080,
      forceFps: 25,
      forceDurationInFrames: 150,
      // The same frames and encoding as the local renderer, and the split the plan table gives for 6 s at 25 fps.
      imageFormat: VIDEO_ENCODING.imageFormat,
      jpegQuality: VIDEO_ENCODING.jpegQuality,
      x264Preset: VIDEO_ENCODING.x264Preset,
      crf: VIDEO_ENCODING.crf,
      audioCodec: 'aac',
      framesPerLambda: LAMBDA_RENDER_PLANS.find((r) => r.format === '16:9' && r.seconds === 6 && r.fps === 25)!.framesPerLambda,
    });
    expect(media.inputProps).toEqual(request().props);
    expect(log.lines.find((l) => l.message === 'remotion render started')?.fields).toMatchObject({ renderId: 'r-123', bucketName: 'remotionlambda-useast1-abc' });
  });

  it('renders each format at its size with the plan table\'s split for that size, video and poster alike', async () => {
    for (const format of ['9:16', '4:5', '1:1'] as const) {
      const fake = new FakeRemotion([{ overallProgress: 0 }]);
      const { width, height } = VIDEO_FORMAT_SPECS[format];
      await new RemotionLambdaRenderer({ ...base, client: fake, isFlakyError: () => false }).start(request({ props: { ...request().props, format }, width, height }));
      expect(fake.mediaCalls[0], format).toMatchObject({
        forceWidth: width,
        forceHeight: height,
        inputProps: { format },
        framesPerLambda: LAMBDA_RENDER_PLANS.find((r) => r.format === format && r.seconds === 6 && r.fps === 25)!.framesPerLambda,
      });
      expect(fake.stillCalls[0], format).toMatchObject({ forceWidth: width, forceHeight: height, inputProps: { format } });
    }
  });

  it('refuses a size that is not the format\'s shape, or no format, before invoking anything', async () => {
    const fake = new FakeRemotion([{ overallProgress: 0 }]);
    const renderer = new RemotionLambdaRenderer({ ...base, client: fake, isFlakyError: () => false });
    await expect(renderer.start(request({ props: { ...request().props, format: '9:16' } }))).rejects.toMatchObject({ code: 'invalid_input', field: 'width' });
    const withoutFormat = { ...request().props } as Partial<StartRenderRequest['props']>;
    delete withoutFormat.format;
    await expect(renderer.start(request({ props: withoutFormat as StartRenderRequest['props'] }))).rejects.toMatchObject({ code: 'invalid_input', field: 'props.format' });
    expect(fake.mediaCalls).toHaveLength(0);
    expect(fake.stillCalls).toHaveLength(0);
  });

  it("renders the poster with renderStillOnLambda at the template's poster frame into the thumbnail key", async () => {
    const fake = new FakeRemotion([{ overallProgress: 0 }]);
    await new RemotionLambdaRenderer({ ...base, client: fake, isFlakyError: () => false }).start(request());
    expect(fake.stillCalls).toHaveLength(1);
    expect(fake.stillCalls[0]).toMatchObject({
      composition: COMPOSITION_ID,
      imageFormat: 'jpeg',
      privacy: 'no-acl',
      frame: posterFrame(150, 25),
      outName: { bucketName: 'villa-video-media-123', key: 'thumbnails/u/job-1.jpg' },
      forceWidth: 1920,
      forceHeight: 1080,
    });
    expect(fake.stillCalls[0]!.frame).toBeGreaterThan(0);
    expect(fake.stillCalls[0]!.frame).toBeLessThan(149);
    // Without deleteAfter or a licence key configured, neither is sent.
    expect(fake.mediaCalls[0]).not.toHaveProperty('deleteAfter');
    expect(fake.mediaCalls[0]).not.toHaveProperty('licenseKey');
  });

  it('reads a started render\'s state from S3 only (skipLambdaInvocation): running, done with its cost, or failed', async () => {
    const fake = new FakeRemotion([
      { overallProgress: 0.4 },
      { overallProgress: 1, done: true, costs: { accruedSoFar: 0.0123, displayCost: '$0.0123', currency: 'USD', disclaimer: '' } },
      { fatalErrorEncountered: true, errors: [fatalError('Could not play video with src https://clip: MEDIA_ERR_SRC_NOT_SUPPORTED')] },
    ]);
    const renderer = new RemotionLambdaRenderer({ ...base, client: fake });
    const render = { renderId: 'r-123', bucketName: 'remotionlambda-useast1-abc' };
    expect(await renderer.state(render)).toEqual({ state: 'running', progress: 0.4 });
    expect(await renderer.state(render)).toEqual({ state: 'done', costUsd: 0.0123 });
    // Remotion's own isFlakyError does not consider a broken source worth retrying.
    expect(await renderer.state(render)).toEqual({ state: 'failed', reason: 'render r-123 failed: Could not play video with src https://clip: MEDIA_ERR_SRC_NOT_SUPPORTED', retryable: false });
    expect(fake.progressCalls[0]).toMatchObject({ ...render, functionName: base.functionName, region: 'us-east-1', skipLambdaInvocation: true });
  });

  it('marks a fatal error retryable when Remotion classifies it as flaky', async () => {
    const fake = new FakeRemotion([{ fatalErrorEncountered: true, errors: [fatalError('Compositor exited with code 1')] }]);
    expect(await new RemotionLambdaRenderer({ ...base, client: fake }).state({ renderId: 'r-123', bucketName: 'b' })).toMatchObject({ state: 'failed', retryable: true });
  });

  it('a refused start is an UpstreamError, retryable when AWS throttled it', async () => {
    const fake = new FakeRemotion([{}]);
    fake.renderMediaOnLambda = async () => {
      throw Object.assign(new Error('Rate Exceeded.'), { name: 'TooManyRequestsException' });
    };
    const err = (await new RemotionLambdaRenderer({ ...base, client: fake, isFlakyError: () => false }).start(request()).catch((e: unknown) => e)) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toBe('renderMediaOnLambda failed: Rate Exceeded.');
    expect(err.retryable).toBe(true);
  });

  it('refuses an empty function name, or no webhook, before any call', () => {
    expect(() => new RemotionLambdaRenderer({ ...base, functionName: '' })).toThrow('functionName must be a non-empty string, got ""');
    expect(() => new RemotionLambdaRenderer({ ...base, webhook: { url: 'http://insecure', secret: 's' } })).toThrow(/webhook needs an https url and a secret/);
  });
});
