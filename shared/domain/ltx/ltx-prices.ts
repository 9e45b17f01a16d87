import type { JobOptions, LtxModel, LtxResolution } from '../job-options';

/**
 * LTX-2 bills per second of output video, by model and resolution (docs.ltx.video pricing, as
 * republished in ComfyUI's API-node price list, October 2025): 1440p costs twice 1080p, 4K four times.
 * Prices change: PipelineConfig.ltxPrices overrides any of them (LTX_PRICES_USD_PER_SECOND).
 */
export type LtxPriceTable = Record<LtxModel, Record<LtxResolution, number>>;

export const LTX_PRICES_USD_PER_SECOND: LtxPriceTable = {
  'ltx-2-fast': { '1920x1080': 0.04, '2560x1440': 0.08, '3840x2160': 0.16 },
  'ltx-2-pro': { '1920x1080': 0.06, '2560x1440': 0.12, '3840x2160': 0.24 },
};

/** Dollars are kept to a hundredth of a cent: enough for any per-second price, and no float noise (0.1 + 0.2). */
export function roundUsd(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** What LTX charges for one clip of these options: seconds of output video times the price of its model and resolution. */
export function ltxClipCostUsd(options: Pick<JobOptions, 'model' | 'resolution' | 'duration'>, prices: LtxPriceTable): number {
  return roundUsd(options.duration * prices[options.model][options.resolution]);
}
