import { canonicalFormats, VIDEO_FORMAT_SPECS, type VideoFormat } from '../video-formats';
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

/**
 * What each of the job's formats adds to its LTX bill, in the job's canonical order: the first format
 * of an orientation brings that orientation's clip (its seconds and dollars), the others cut from a
 * clip already paid for add nothing. The bench and the CLI print it as "per extra format".
 */
export function ltxCostAddedPerFormat(options: ClipPlanInput, prices: LtxPriceTable): Array<{ format: VideoFormat; seconds: number; usd: number }> {
  const clips = ltxJobCost(options, prices).clips;
  const paid = new Set<LtxClipCost['orientation']>();
  return canonicalFormats(options.formats).map((format) => {
    const orientation = VIDEO_FORMAT_SPECS[format].orientation;
    if (paid.has(orientation)) return { format, seconds: 0, usd: 0 };
    paid.add(orientation);
    const clip = clips.find((c) => c.orientation === orientation)!;
    return { format, seconds: clip.seconds, usd: clip.usd };
  });
}
