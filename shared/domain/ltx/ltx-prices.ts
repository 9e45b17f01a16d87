import { ltxClipPlans, type ClipPlanInput, type LtxClipPlan } from './ltx-clip-plan';
import { LTX_MODEL_SPECS, LTX_MODELS, type LtxModel, type LtxResolution } from './ltx-models';

/**
 * LTX bills per second of output video, by model and resolution. The list prices live with each
 * model's limits in ltx-models.ts (with their sources); prices change, so PipelineConfig.ltxPrices
 * overrides any of them (LTX_PRICES_USD_PER_SECOND).
 */
export type LtxPriceTable = Record<LtxModel, Partial<Record<LtxResolution, number>>>;

export const LTX_PRICES_USD_PER_SECOND: LtxPriceTable = Object.fromEntries(
  LTX_MODELS.map((model) => [model, { ...LTX_MODEL_SPECS[model].pricesUsdPerSecond }]),
) as LtxPriceTable;

/** Dollars are kept to a hundredth of a cent: enough for any per-second price, and no float noise (0.1 + 0.2). */
export function roundUsd(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** What LTX charges for one clip: seconds of output video times the price of its model at its resolution. */
export function ltxClipCostUsd(clip: Pick<LtxClipPlan, 'model' | 'resolution' | 'duration'>, prices: LtxPriceTable): number {
  const perSecond = prices[clip.model][clip.resolution];
  // The table has a price for every size each model makes, and a clip is checked against the same table.
  if (perSecond === undefined) throw new Error(`no LTX price for ${clip.model} at ${clip.resolution}`);
  return roundUsd(clip.duration * perSecond);
}

/** One clip's share of a job's LTX bill, for the bench and the CLI ("per extra format"). */
export interface LtxClipCost {
  orientation: LtxClipPlan['orientation'];
  model: LtxModel;
  resolution: LtxResolution;
  seconds: number;
  usd: number;
}

/** What LTX charges for a job of these options: one clip per orientation its formats need, each priced. */
export function ltxJobCost(options: ClipPlanInput, prices: LtxPriceTable): { seconds: number; usd: number; clips: LtxClipCost[] } {
  const clips = ltxClipPlans(options).map((clip) => ({
    orientation: clip.orientation,
    model: clip.model,
    resolution: clip.resolution,
    seconds: clip.duration,
    usd: ltxClipCostUsd(clip, prices),
  }));
  return {
    seconds: clips.reduce((sum, c) => sum + c.seconds, 0),
    usd: roundUsd(clips.reduce((sum, c) => sum + c.usd, 0)),
    clips,
  };
}
