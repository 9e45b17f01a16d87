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
import { type RenderRequest } from '../../../shared/ports/renderer';
import { COMPOSITION_ID } from '../../../shared/domain/video-template';
import { VIDEO_ENCODING } from '../../../shared/domain/render-settings';
import { LAMBDA_RENDER_PLANS } from '../../../shared/domain/lambda-render-plan';

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

/** A clock that only moves when the renderer sleeps: polling without real waiting. */
function virtualClock() {
  let now = 0;
  const sleeps: number[] = [];
  return { now: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; }, sleeps };
}

function recordingLogger(): Logger & { lines: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }> = [];
  const logger = { lines, log: (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => lines.push({ level, message, fields }), child: () => logger };
  return logger;
}

const request = (over: Partial<RenderRequest> = {}): RenderRequest => ({
  jobId: 'job-1',
  props: { clipUrl: 'https://bucket.s3.amazonaws.com/ltx-videos/u/job-1.mp4?X-Amz-Signature=abc', title: 'Villa Nismara', subtitle: 'Bali', musicFile: 'calm.mp3', clipDurationSeconds: 6 },
  width: 1920,
  height: 1080,
  fps: 25,
  bucket: 'villa-video-media-123',
  videoKey: 'renders/u/job-1.mp4',
  thumbnailKey: 'thumbnails/u/job-1.jpg',
  ...over,
});

const base = { region: 'us-east-1', functionName: 'remotion-render-4-0-527-mem3008mb-disk10240mb-300sec', serveUrl: 'https://remotionlambda-useast1-abc.s3.us-east-1.amazonaws.com/sites/site/index.html' };

describe('RemotionLambdaRenderer', () => {
  it('starts the render with the composition, props, h264 and outName in the pipeline bucket, then polls to done', async () => {
    const fake = new FakeRemotion([
      { overallProgress: 0.2 },
      { overallProgress: 0.7, costs: { accruedSoFar: 0.01, displayCost: '$0.01', currency: 'USD', disclaimer: '' } },
      { overallProgress: 1, done: true, outputSizeInBytes: 4_200_000, costs: { accruedSoFar: 0.0123, displayCost: '$0.0123', currency: 'USD', disclaimer: '' }, timeToFinish: 41_000 },
    ]);
    const clock = virtualClock();
    const log = recordingLogger();
    const seen: number[] = [];
    const renderer = new RemotionLambdaRenderer({ ...base, client: fake, isFlakyError: () => false, pollIntervalMs: 1000, sleep: clock.sleep, now: clock.now, log });

    const result = await renderer.render(request({ onProgress: (p) => seen.push(p) }));

    const media = fake.mediaCalls[0]!;
    expect(fake.mediaCalls).toHaveLength(1);
    expect(media).toMatchObject({
      region: 'us-east-1',
      functionName: base.functionName,
      serveUrl: base.serveUrl,
      composition: COMPOSITION_ID,
      codec: 'h264',
      privacy: 'no-acl',
      overwrite: true,
      outName: { bucketName: 'villa-video-media-123', key: 'renders/u/job-1.mp4' },
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
      framesPerLambda: LAMBDA_RENDER_PLANS.find((r) => r.seconds === 6 && r.fps === 25)!.framesPerLambda,
    });
    expect(media.inputProps).toEqual(request().props);
    // getRenderProgress is asked about the render Remotion started, in Remotion's bucket.
    expect(fake.progressCalls).toHaveLength(3);
    expect(fake.progressCalls[0]).toMatchObject({ renderId: 'r-123', bucketName: 'remotionlambda-useast1-abc', functionName: base.functionName, region: 'us-east-1' });
    expect(seen).toEqual([0.2, 0.7, 1]);
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
    expect(result).toEqual({
      videoKey: 'renders/u/job-1.mp4',
      thumbnailKey: 'thumbnails/u/job-1.jpg',
      sizeBytes: 4_200_000,
      durationSeconds: 6,
      width: 1920,
      height: 1080,
      renderSeconds: 3,
      costUsd: 0.0123 + 0.0004,
    });
    const finished = log.lines.find((l) => l.message === 'remotion render finished');
    expect(finished?.fields).toMatchObject({ renderId: 'r-123', costUsd: 0.0123 + 0.0004, renderSeconds: 3, sizeBytes: 4_200_000 });
  });

  it("renders the poster with renderStillOnLambda at the template's poster frame into the thumbnail key", async () => {
    const fake = new FakeRemotion([{ overallProgress: 1, done: true, outputSizeInBytes: 1 }]);
    const clock = virtualClock();
    await new RemotionLambdaRenderer({ ...base, client: fake, isFlakyError: () => false, sleep: clock.sleep, now: clock.now }).render(request());
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
    // Title and subtitle on screen, camera moving: neither the first nor the last frame.
    expect(fake.stillCalls[0]!.frame).toBeGreaterThan(0);
    expect(fake.stillCalls[0]!.frame).toBeLessThan(149);
  });

  it('fails with the first Remotion error when the render reports fatalErrorEncountered', async () => {
    const fake = new FakeRemotion([
      { overallProgress: 0.3 },
      { overallProgress: 0.3, fatalErrorEncountered: true, errors: [fatalError('Could not play video with src https://clip: MEDIA_ERR_SRC_NOT_SUPPORTED')] },
    ]);
    const clock = virtualClock();
    const renderer = new RemotionLambdaRenderer({ ...base, client: fake, sleep: clock.sleep, now: clock.now });
    const err = await renderer.render(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).service).toBe('remotion');
    expect((err as UpstreamError).message).toBe('render r-123 failed: Could not play video with src https://clip: MEDIA_ERR_SRC_NOT_SUPPORTED');
    // Remotion's own isFlakyError does not consider a broken source worth retrying.
    expect((err as UpstreamError).retryable).toBe(false);
    expect(fake.progressCalls).toHaveLength(2);
  });

  it('marks a fatal error retryable when Remotion classifies it as flaky', async () => {
    const fake = new FakeRemotion([{ fatalErrorEncountered: true, errors: [fatalError('Compositor exited with code 1')] }]);
    const clock = virtualClock();
    const err = (await new RemotionLambdaRenderer({ ...base, client: fake, sleep: clock.sleep, now: clock.now }).render(request()).catch((e: unknown) => e)) as UpstreamError;
    expect(err.message).toBe('render r-123 failed: Compositor exited with code 1');
    expect(err.retryable).toBe(true);
  });

  it('gives up with a retryable timeout when the render is not done in time', async () => {
    const fake = new FakeRemotion([{ overallProgress: 0.5 }]);
    const clock = virtualClock();
    const renderer = new RemotionLambdaRenderer({ ...base, client: fake, isFlakyError: () => false, pollIntervalMs: 2000, timeoutMs: 10_000, sleep: clock.sleep, now: clock.now });
    const err = (await renderer.render(request()).catch((e: unknown) => e)) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toBe('render r-123 did not finish within 10000 ms');
    expect(err.code).toBe('render_timeout');
    expect(err.retryable).toBe(true);
    expect(fake.progressCalls).toHaveLength(5);
  });

  it('tolerates a failed progress poll, but not three in a row', async () => {
    const flaky = new FakeRemotion([new Error('socket hang up'), { overallProgress: 1, done: true, outputSizeInBytes: 10 }]);
    const clock = virtualClock();
    const ok = await new RemotionLambdaRenderer({ ...base, client: flaky, isFlakyError: () => false, sleep: clock.sleep, now: clock.now }).render(request());
    expect(ok.sizeBytes).toBe(10);

    const down = new FakeRemotion([new Error('socket hang up')]);
    const err = (await new RemotionLambdaRenderer({ ...base, client: down, isFlakyError: () => false, sleep: clock.sleep, now: clock.now }).render(request()).catch((e: unknown) => e)) as UpstreamError;
    expect(err.message).toBe('getRenderProgress failed 3 times in a row: socket hang up');
    expect(down.progressCalls).toHaveLength(3);
  });

  it('refuses an empty function name before any call', () => {
    expect(() => new RemotionLambdaRenderer({ ...base, functionName: '' })).toThrow('functionName must be a non-empty string, got ""');
  });
});
