import { describe, expect, it } from 'vitest';
import {
  LAMBDA_COST_MODEL,
  LAMBDA_RENDER_PLANS,
  chooseLambdaRenderPlan,
  estimateLambdaRender,
  framesPerLambdaFor,
  lambdaCostUsd,
} from '../../../shared/domain/lambda-render-plan';
import { durationInFramesFor } from '../../../shared/domain/video-template-timeline';
import { VIDEO_FORMATS, VIDEO_FORMAT_SPECS } from '../../../shared/domain/video-formats';

const at1080p = (frames: number) => ({ durationInFrames: frames, width: 1920, height: 1080 });

describe('Lambda render plans', () => {
  it('the written-out table is what the rule gives, for every format, length and frame rate a job can have', () => {
    for (const row of LAMBDA_RENDER_PLANS) {
      expect(durationInFramesFor(row.seconds, row.fps)).toBe(row.frames);
      const { width, height } = VIDEO_FORMAT_SPECS[row.format];
      const shape = { durationInFrames: row.frames, width, height };
      const chosen = chooseLambdaRenderPlan(shape);
      expect({ framesPerLambda: chosen.framesPerLambda, lambdas: chosen.lambdas }, `${row.format}, ${row.seconds} s at ${row.fps} fps`).toEqual({ framesPerLambda: row.framesPerLambda, lambdas: row.lambdas });
      expect(framesPerLambdaFor(shape)).toBe(row.framesPerLambda);
    }
    for (const format of VIDEO_FORMATS) {
      expect(LAMBDA_RENDER_PLANS.filter((r) => r.format === format).map((r) => `${r.seconds}@${r.fps}`).sort(), format).toEqual(['10@25', '10@50', '6@25', '6@50', '8@25', '8@50']);
    }
  });

  it('a scaled render (tests, previews) gets the rule\'s split for its own size', () => {
    const small = { durationInFrames: 150, width: 180, height: 320 };
    expect(framesPerLambdaFor(small)).toBe(chooseLambdaRenderPlan(small).framesPerLambda);
  });

  it('the cost model reproduces Remotion\'s published warm timings it was fitted to (docs/lambda/cost-example, 2048 MB)', () => {
    const model2048 = { ...LAMBDA_COST_MODEL, memoryMb: 2048 };
    // Hello World, 150 frames on 8 functions: 7.56 s, about $0.001 (a light composition: ~0.05 s per frame).
    const hello = estimateLambdaRender(at1080p(150), 19, { ...model2048, secondsPerFrame1080p: 0.05 });
    expect(hello.lambdas).toBe(8);
    expect(hello.wallSeconds).toBeCloseTo(7.56, 1);
    expect(lambdaCostUsd(hello, model2048)).toBeGreaterThan(0.0005);
    expect(lambdaCostUsd(hello, model2048)).toBeLessThan(0.0015);
    // One minute of 1080p video through <Video>, 1440 frames on 72 functions: 18.91 s, $0.017.
    const minute = estimateLambdaRender(at1080p(1440), 20, { ...model2048, secondsPerFrame1080p: 0.295 });
    expect(minute.lambdas).toBe(72);
    expect(minute.wallSeconds).toBeCloseTo(18.91, 1);
    expect(lambdaCostUsd(minute, model2048)).toBeCloseTo(0.017, 2);
  });

  it('more functions render faster but cost more, and the choice sits between the extremes', () => {
    const shape = at1080p(250);
    const one = estimateLambdaRender(shape, 250);
    const many = estimateLambdaRender(shape, 5);
    const chosen = chooseLambdaRenderPlan(shape);
    expect(chosen.wallSeconds).toBeLessThan(one.wallSeconds);
    expect(chosen.lambdaSeconds).toBeLessThan(many.lambdaSeconds);
    expect(chosen.lambdas).toBeGreaterThan(1);
    expect(chosen.lambdas).toBeLessThanOrEqual(LAMBDA_COST_MODEL.maxLambdasPerRender);
  });

  it('never goes below Remotion\'s floor of frames per function nor above the per-render cap, at any size', () => {
    for (const frames of [1, 4, 5, 12, 150, 500, 3000]) {
      for (const [width, height] of [[320, 180], [1080, 1920], [3840, 2160]] as const) {
        const f = framesPerLambdaFor({ durationInFrames: frames, width, height });
        expect(f).toBeGreaterThanOrEqual(Math.min(LAMBDA_COST_MODEL.minFramesPerLambda, frames));
        expect(Math.ceil(frames / f)).toBeLessThanOrEqual(LAMBDA_COST_MODEL.maxLambdasPerRender);
      }
    }
  });

  it('refuses nonsense', () => {
    expect(() => estimateLambdaRender(at1080p(150), 0)).toThrow(RangeError);
    expect(() => chooseLambdaRenderPlan(at1080p(0))).toThrow(RangeError);
  });
});
