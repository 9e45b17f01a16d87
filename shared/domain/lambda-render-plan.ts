/**
 * How one video is split across Remotion Lambda functions: `framesPerLambda`, and so the number of
 * functions (Remotion calls it the concurrency: frameCount / framesPerLambda), for every length and
 * frame rate the product offers. The Lambda renderer passes `framesPerLambda` from here; the bench
 * (`npm run bench`) prints the expected render time and cost of every row with the per-frame cost it
 * measured, and warns when that measurement would pick a different row.
 *
 * Remotion's guidance (remotion.dev/docs/lambda/concurrency, /optimizing-speed, /optimizing-cost):
 * fewer frames per function means more functions in parallel and a faster render, but every
 * function pays its own start (invocation, browser, page load, the clip's metadata, uploading its
 * chunk), so cost rises with the count, returns diminish, and too many functions get slower again;
 * Remotion's default never goes below 20 frames per function, its floor is 5, its ceiling 200
 * functions per render. So the choice is a trade between two curves, and we write both down:
 *
 *   wall(n)          = launch + invokePerLambda * n + chunkStart + framesPerLambda * secondsPerFrame
 *   lambdaSeconds(n) = wall(n)                       (the main function lives through the render)
 *                    + n * (chunkStart + framesPerLambda * secondsPerFrame)
 *
 * and pick, among n = 1 .. maxLambdasPerRender functions, the split with the lowest
 * wall/fastestWall + lambdaSeconds/cheapestLambdaSeconds: a render 10 % slower than the fastest
 * split is worth it only if it is more than 10 % cheaper than the cheapest, and the other way round.
 *
 * The constants: `launchSeconds`, `invokeSecondsPerLambda` and `chunkStartSeconds` fit Remotion's
 * own published warm timings (docs/lambda/cost-example, 4.0.381, 2048 MB: the Hello World
 * composition, 150 frames on 8 functions, 7.56 s and $0.001; a 1 minute 1080p video drawn with
 * `<Video>`, 1440 frames on 72 functions, 18.91 s and $0.017): 3.95 s + 0.1 s per function + 1.86 s.
 * `secondsPerFrame` is our template's cost per 1920x1080 frame on one 3008 MB function: the bench
 * measured 0.25 CPU seconds per frame with the chosen settings (render-settings.ts) on this project's
 * machine (x86 EPYC cores), which is 0.15 s spread over the function's 1.7 vCPUs (one per 1769 MB);
 * taken as 0.2 s, since an arm64 Lambda vCPU does less per second than those cores (the bench's own
 * CPU time includes page loads that the model counts in `chunkStartSeconds`, which leans the other
 * way). `npm run bench` prints the estimates with its own measurement beside these and says when that
 * measurement would pick a different split. Other sizes scale it by their pixel count. `maxLambdasPerRender` keeps a burst of renders inside the account's Lambda
 * concurrency quota (1000 in the production account: 40 renders at once at the cap of 24).
 */

import { VIDEO_FORMAT_SPECS, type VideoFormat } from './video-formats';

export interface LambdaCostModel {
  /** Memory of the deployed Remotion function (its name says it: mem3008mb). */
  memoryMb: number;
  launchSeconds: number;
  invokeSecondsPerLambda: number;
  chunkStartSeconds: number;
  /** One 1920x1080 frame of the template on one function of `memoryMb`. */
  secondsPerFrame1080p: number;
  /** Remotion refuses fewer frames per function than this (MINIMUM_FRAMES_PER_FUNCTION). */
  minFramesPerLambda: number;
  maxLambdasPerRender: number;
  /** USD per GB-second of an arm64 function in us-east-1 (Remotion deploys arm64); requests and S3 are a rounding error beside it. */
  pricePerGbSecond: number;
}

export const LAMBDA_COST_MODEL: LambdaCostModel = {
  memoryMb: 3008,
  launchSeconds: 3.95,
  invokeSecondsPerLambda: 0.1,
  chunkStartSeconds: 1.86,
  secondsPerFrame1080p: 0.2,
  minFramesPerLambda: 5,
  maxLambdasPerRender: 24,
  pricePerGbSecond: 0.0000133334,
};

/** The billed cost in USD of an estimate: function-seconds times memory in GB times the price. */
export function lambdaCostUsd(estimate: Pick<LambdaRenderEstimate, 'lambdaSeconds'>, model: LambdaCostModel = LAMBDA_COST_MODEL): number {
  return estimate.lambdaSeconds * (model.memoryMb / 1024) * model.pricePerGbSecond;
}

export interface LambdaRenderEstimate {
  framesPerLambda: number;
  /** Functions rendering chunks (Remotion's "concurrency"); the main function comes on top. */
  lambdas: number;
  wallSeconds: number;
  /** Function-seconds billed, main function included: cost = lambdaSeconds * memory GB * price per GB-second. */
  lambdaSeconds: number;
}

export interface FrameShape {
  durationInFrames: number;
  width: number;
  height: number;
}

const PIXELS_1080P = 1920 * 1080;

export function secondsPerFrame(shape: Pick<FrameShape, 'width' | 'height'>, model: LambdaCostModel = LAMBDA_COST_MODEL): number {
  return (model.secondsPerFrame1080p * shape.width * shape.height) / PIXELS_1080P;
}

/** The expected wall time and billed function-seconds of rendering `shape` with `framesPerLambda`. */
export function estimateLambdaRender(shape: FrameShape, framesPerLambda: number, model: LambdaCostModel = LAMBDA_COST_MODEL): LambdaRenderEstimate {
  if (!Number.isInteger(framesPerLambda) || framesPerLambda < 1) throw new RangeError(`framesPerLambda must be a positive whole number, got ${framesPerLambda}`);
  const lambdas = Math.ceil(shape.durationInFrames / framesPerLambda);
  const longestChunk = Math.min(framesPerLambda, shape.durationInFrames);
  const chunkSeconds = model.chunkStartSeconds + longestChunk * secondsPerFrame(shape, model);
  const wallSeconds = model.launchSeconds + model.invokeSecondsPerLambda * lambdas + chunkSeconds;
  return { framesPerLambda, lambdas, wallSeconds, lambdaSeconds: wallSeconds + lambdas * chunkSeconds };
}

/** The rule above: the split with the best sum of relative slowness and relative cost. */
export function chooseLambdaRenderPlan(shape: FrameShape, model: LambdaCostModel = LAMBDA_COST_MODEL): LambdaRenderEstimate {
  const frames = shape.durationInFrames;
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`durationInFrames must be a positive whole number, got ${frames}`);
  const floor = Math.min(model.minFramesPerLambda, frames);
  const candidates: LambdaRenderEstimate[] = [];
  const maxLambdas = Math.min(model.maxLambdasPerRender, Math.floor(frames / floor));
  for (let n = 1; n <= maxLambdas; n++) {
    // Even chunks: 150 frames on 8 functions is 19 per function (the last one gets 17).
    const framesPerLambda = Math.max(floor, Math.ceil(frames / n));
    if (candidates.some((c) => c.framesPerLambda === framesPerLambda)) continue;
    candidates.push(estimateLambdaRender(shape, framesPerLambda, model));
  }
  const fastest = Math.min(...candidates.map((c) => c.wallSeconds));
  const cheapest = Math.min(...candidates.map((c) => c.lambdaSeconds));
  const score = (c: LambdaRenderEstimate) => c.wallSeconds / fastest + c.lambdaSeconds / cheapest;
  // Ties go to fewer functions (candidates are in rising order of functions).
  return candidates.reduce((best, c) => (score(c) < score(best) - 1e-9 ? c : best));
}

export interface LambdaPlanRow {
  format: VideoFormat;
  seconds: number;
  fps: number;
  frames: number;
  framesPerLambda: number;
  lambdas: number;
}

/**
 * The rule's answers at each format's delivered size (video-formats.ts) for the lengths and frame
 * rates jobs can have (job-options.ts: 6, 8, 10 s at 25 or 50 fps), written out so a change of
 * model or rule shows in review; a test checks they are what `chooseLambdaRenderPlan` gives. 9:16 has
 * 16:9's pixel count, so its splits are 16:9's; 4:5 and 1:1 have 65 % and 56 % of the pixels, so
 * each function's share of frames is worth less and the rule takes fewer, longer chunks.
 */
export const LAMBDA_RENDER_PLANS: readonly LambdaPlanRow[] = [
  // Expected with the model above: wall time and cost per render (arm64, 3008 MB).
  { format: '16:9', seconds: 6, fps: 25, frames: 150, framesPerLambda: 15, lambdas: 10 }, //  9.8 s, $0.0023
  { format: '16:9', seconds: 8, fps: 25, frames: 200, framesPerLambda: 20, lambdas: 10 }, // 10.8 s, $0.0027
  { format: '16:9', seconds: 10, fps: 25, frames: 250, framesPerLambda: 21, lambdas: 12 }, // 11.2 s, $0.0033
  { format: '16:9', seconds: 6, fps: 50, frames: 300, framesPerLambda: 20, lambdas: 15 }, // 11.3 s, $0.0039
  { format: '16:9', seconds: 8, fps: 50, frames: 400, framesPerLambda: 25, lambdas: 16 }, // 12.4 s, $0.0048
  { format: '16:9', seconds: 10, fps: 50, frames: 500, framesPerLambda: 25, lambdas: 20 }, // 12.8 s, $0.0059
  { format: '9:16', seconds: 6, fps: 25, frames: 150, framesPerLambda: 15, lambdas: 10 }, //  9.8 s, $0.0023
  { format: '9:16', seconds: 8, fps: 25, frames: 200, framesPerLambda: 20, lambdas: 10 }, // 10.8 s, $0.0027
  { format: '9:16', seconds: 10, fps: 25, frames: 250, framesPerLambda: 21, lambdas: 12 }, // 11.2 s, $0.0033
  { format: '9:16', seconds: 6, fps: 50, frames: 300, framesPerLambda: 20, lambdas: 15 }, // 11.3 s, $0.0039
  { format: '9:16', seconds: 8, fps: 50, frames: 400, framesPerLambda: 25, lambdas: 16 }, // 12.4 s, $0.0048
  { format: '9:16', seconds: 10, fps: 50, frames: 500, framesPerLambda: 25, lambdas: 20 }, // 12.8 s, $0.0059
  { format: '4:5', seconds: 6, fps: 25, frames: 150, framesPerLambda: 25, lambdas: 6 }, //  9.9 s, $0.0017
  { format: '4:5', seconds: 8, fps: 25, frames: 200, framesPerLambda: 25, lambdas: 8 }, // 10.1 s, $0.0021
  { format: '4:5', seconds: 10, fps: 25, frames: 250, framesPerLambda: 25, lambdas: 10 }, // 10.3 s, $0.0025
  { format: '4:5', seconds: 6, fps: 50, frames: 300, framesPerLambda: 25, lambdas: 12 }, // 10.5 s, $0.0029
  { format: '4:5', seconds: 8, fps: 50, frames: 400, framesPerLambda: 31, lambdas: 13 }, // 11.5 s, $0.0036
  { format: '4:5', seconds: 10, fps: 50, frames: 500, framesPerLambda: 36, lambdas: 14 }, // 12.3 s, $0.0043
  { format: '1:1', seconds: 6, fps: 25, frames: 150, framesPerLambda: 25, lambdas: 6 }, //  9.2 s, $0.0015
  { format: '1:1', seconds: 8, fps: 25, frames: 200, framesPerLambda: 25, lambdas: 8 }, //  9.4 s, $0.0018
  { format: '1:1', seconds: 10, fps: 25, frames: 250, framesPerLambda: 28, lambdas: 9 }, //  9.9 s, $0.0022
  { format: '1:1', seconds: 6, fps: 50, frames: 300, framesPerLambda: 30, lambdas: 10 }, // 10.2 s, $0.0024
  { format: '1:1', seconds: 8, fps: 50, frames: 400, framesPerLambda: 40, lambdas: 10 }, // 11.3 s, $0.0029
  { format: '1:1', seconds: 10, fps: 50, frames: 500, framesPerLambda: 36, lambdas: 14 }, // 11.3 s, $0.0037
];

/** `framesPerLambda` for a render: the table's row at a format's delivered size, the rule for any other size (a scaled render). */
export function framesPerLambdaFor(shape: FrameShape): number {
  const row = LAMBDA_RENDER_PLANS.find((r) => {
    const spec = VIDEO_FORMAT_SPECS[r.format];
    return r.frames === shape.durationInFrames && spec.width === shape.width && spec.height === shape.height;
  });
  return row ? row.framesPerLambda : chooseLambdaRenderPlan(shape).framesPerLambda;
}
