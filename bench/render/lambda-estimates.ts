import {
  LAMBDA_COST_MODEL,
  LAMBDA_RENDER_PLANS,
  chooseLambdaRenderPlan,
  estimateLambdaRender,
  lambdaCostUsd,
  type LambdaCostModel,
  type LambdaPlanRow,
} from '../../shared/domain/lambda-render-plan';
import { VIDEO_FORMAT_SPECS } from '../../shared/domain/video-formats';

/** Lambda gives a function one vCPU per 1769 MB (AWS Lambda docs, "Memory and computing power"). */
const MB_PER_VCPU = 1769;

/** A row of the plan table (format, length, split) with what it is expected to take and cost. */
export interface LambdaEstimateRow extends LambdaPlanRow {
  /** With the model's own secondsPerFrame1080p (shared/domain/lambda-render-plan.ts). */
  wallSeconds: number;
  costUsd: number;
  /** With the per-frame cost this run measured. */
  measuredWallSeconds: number;
  measuredCostUsd: number;
  /** What the rule would pick with the measured cost, when that differs from the table. */
  measuredWouldPick: string | null;
}

/**
 * The expected Lambda render time and cost for every format, length and frame rate a job can have, from
 * the plan table, once with the model's constant and once with this run's measured CPU seconds per
 * 1080p frame spread over the function's vCPUs (a machine's x86 core and a Lambda arm64 vCPU are
 * not the same, so this is a sanity check on the constant, not a replacement for it).
 */
export function lambdaEstimates(cpuSecondsPerFrame1080p: number, model: LambdaCostModel = LAMBDA_COST_MODEL): { secondsPerFrameMeasured: number; rows: LambdaEstimateRow[] } {
  const secondsPerFrameMeasured = cpuSecondsPerFrame1080p / (model.memoryMb / MB_PER_VCPU);
  const measured: LambdaCostModel = { ...model, secondsPerFrame1080p: secondsPerFrameMeasured };
  const rows = LAMBDA_RENDER_PLANS.map((row) => {
    const shape = { durationInFrames: row.frames, width: VIDEO_FORMAT_SPECS[row.format].width, height: VIDEO_FORMAT_SPECS[row.format].height };
    const expected = estimateLambdaRender(shape, row.framesPerLambda, model);
    const withMeasured = estimateLambdaRender(shape, row.framesPerLambda, measured);
    const pick = chooseLambdaRenderPlan(shape, measured);
    return {
      ...row,
      wallSeconds: round(expected.wallSeconds, 1),
      costUsd: round(lambdaCostUsd(expected, model), 4),
      measuredWallSeconds: round(withMeasured.wallSeconds, 1),
      measuredCostUsd: round(lambdaCostUsd(withMeasured, measured), 4),
      measuredWouldPick: pick.framesPerLambda === row.framesPerLambda ? null : `${pick.framesPerLambda} frames x ${pick.lambdas}`,
    };
  });
  return { secondsPerFrameMeasured: round(secondsPerFrameMeasured, 3), rows };
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));
