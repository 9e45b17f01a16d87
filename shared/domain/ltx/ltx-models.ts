import { showValue as show } from '../show-value';

/**
 * The LTX models this project may call, and what each one accepts: one table for the client's request
 * check (ltx-request.ts), the upload checks and job options (job-options.ts), the price table
 * (ltx-prices.ts) and the local stand-in (local/ltx/server.ts), so none of them can disagree.
 *
 * Sources, read November 2026:
 * - ltx-2-fast, ltx-2-pro: docs.ltx.video "Supported Models" (model support matrix): 1920x1080,
 *   2560x1440, 3840x2160 at 25 or 50 fps for 6, 8 or 10 s; ltx-2-fast also 12..20 s, only at
 *   1920x1080 and 25 fps. No portrait size. Prices: docs.ltx.video pricing as republished in
 *   ComfyUI's API-node price list (October 2025).
 * - ltx-2-3-fast, ltx-2-3-pro: the stored copy of docs.ltx.video's matrix does not list them yet (the
 *   issue and DESIGN.md cite docs.ltx.video for their portrait 1080x1920). Their limits are taken from
 *   the resellers that publish the LTX-2.3 API's schema: fal.ai (fal-ai/ltx-2.3/image-to-video[/fast]:
 *   1080p/1440p/2160p, aspect 16:9 or 9:16, pro 6|8|10 s, fast 6..20 s with "longer than 10 seconds
 *   only with 25 FPS and 1080p") and Runware (lightricks:ltx@2.3[-fast]: 1920x1080, 1080x1920, ...;
 *   fast at 1080x1920 6..20 s at 24/25 fps). Where they are silent or differ we choose the narrower:
 *   portrait only at 1080x1920 (the size the docs name; Runware also lists 1440x2560 and 2160x3840),
 *   fps 25 or 50 (both also list 24 and 48, which this project never sends), and the higher price.
 *
 * Prices are LTX's list prices in US dollars per second of output video; a deployment overrides any
 * of them with LTX_PRICES_USD_PER_SECOND (config.ts) when LTX's invoice says otherwise.
 */
export const LTX_MODELS = ['ltx-2-fast', 'ltx-2-pro', 'ltx-2-3-fast', 'ltx-2-3-pro'] as const;
export type LtxModel = (typeof LTX_MODELS)[number];

export const LTX_LANDSCAPE_RESOLUTIONS = ['1920x1080', '2560x1440', '3840x2160'] as const;
export type LtxLandscapeResolution = (typeof LTX_LANDSCAPE_RESOLUTIONS)[number];
export const LTX_PORTRAIT_RESOLUTIONS = ['1080x1920'] as const;
export type LtxPortraitResolution = (typeof LTX_PORTRAIT_RESOLUTIONS)[number];
/** Every size any model makes: what the request check knows at all. */
export const LTX_RESOLUTIONS = [...LTX_LANDSCAPE_RESOLUTIONS, ...LTX_PORTRAIT_RESOLUTIONS] as const;
export type LtxResolution = (typeof LTX_RESOLUTIONS)[number];

export const LTX_FPS_VALUES = [25, 50] as const;
export type LtxFps = (typeof LTX_FPS_VALUES)[number];

export interface LtxModelSpec {
  /** Durations (seconds) at every resolution and fps the model takes. */
  durations: readonly number[];
  /** Longer durations, only at `longDurations.resolutions` and `longDurations.fps` (the "1080p25" rule). */
  longDurations?: { seconds: readonly number[]; resolutions: readonly LtxResolution[]; fps: LtxFps };
  /** Landscape sizes first; a portrait size only on a model that generates portrait natively. */
  resolutions: readonly LtxResolution[];
  fps: readonly LtxFps[];
  /** US dollars per second of output video, for each of `resolutions`. */
  pricesUsdPerSecond: Readonly<Partial<Record<LtxResolution, number>>>;
}

const BASE_DURATIONS = [6, 8, 10] as const;
const FAST_LONG_DURATIONS = [12, 14, 16, 18, 20] as const;

export const LTX_MODEL_SPECS: Readonly<Record<LtxModel, LtxModelSpec>> = {
  // docs.ltx.video Supported Models; prices: ComfyUI's republished LTX list (1440p 2x, 4K 4x 1080p).
  'ltx-2-fast': {
    durations: BASE_DURATIONS,
    longDurations: { seconds: FAST_LONG_DURATIONS, resolutions: ['1920x1080'], fps: 25 },
    resolutions: LTX_LANDSCAPE_RESOLUTIONS,
    fps: LTX_FPS_VALUES,
    pricesUsdPerSecond: { '1920x1080': 0.04, '2560x1440': 0.08, '3840x2160': 0.16 },
  },
  'ltx-2-pro': {
    durations: BASE_DURATIONS,
    resolutions: LTX_LANDSCAPE_RESOLUTIONS,
    fps: LTX_FPS_VALUES,
    pricesUsdPerSecond: { '1920x1080': 0.06, '2560x1440': 0.12, '3840x2160': 0.24 },
  },
  // fal.ai and Runware (see above). Long durations at 1080p25 in either orientation (Runware lists
  // 1080x1920 at 6..20 s). Price: docs silent; fal.ai $0.04/s, Runware $0.06/s at 1080p (either
  // orientation, 2x at 1440p, 4x at 4K): the higher, so a recorded cost never under-states the bill.
  'ltx-2-3-fast': {
    durations: BASE_DURATIONS,
    longDurations: { seconds: FAST_LONG_DURATIONS, resolutions: ['1920x1080', '1080x1920'], fps: 25 },
    resolutions: [...LTX_LANDSCAPE_RESOLUTIONS, '1080x1920'],
    fps: LTX_FPS_VALUES,
    pricesUsdPerSecond: { '1920x1080': 0.06, '2560x1440': 0.12, '3840x2160': 0.24, '1080x1920': 0.06 },
  },
  // fal.ai (6|8|10 s) and Runware agree on the price: $0.08/s at 1080p either way, 2x 1440p, 4x 4K.
  'ltx-2-3-pro': {
    durations: BASE_DURATIONS,
    resolutions: [...LTX_LANDSCAPE_RESOLUTIONS, '1080x1920'],
    fps: LTX_FPS_VALUES,
    pricesUsdPerSecond: { '1920x1080': 0.08, '2560x1440': 0.16, '3840x2160': 0.32, '1080x1920': 0.08 },
  },
};

export function isPortraitResolution(resolution: string): boolean {
  return (LTX_PORTRAIT_RESOLUTIONS as readonly string[]).includes(resolution);
}

/** A model that generates portrait video natively (a 9:16 clip that is not a crop of a landscape one). */
export function supportsPortrait(model: LtxModel): boolean {
  return LTX_MODEL_SPECS[model].resolutions.some(isPortraitResolution);
}

export const LTX_PORTRAIT_MODELS = LTX_MODELS.filter(supportsPortrait);

/**
 * The portrait size asked of a model: its own (1080x1920 for every model today); for a model that
 * makes none, 1080x1920 all the same, which modelCombinationProblem then refuses, as LTX would.
 */
export function portraitResolutionOf(model: LtxModel): LtxPortraitResolution {
  const found = LTX_MODEL_SPECS[model].resolutions.find(isPortraitResolution);
  return (found ?? LTX_PORTRAIT_RESOLUTIONS[0]) as LtxPortraitResolution;
}

/** Every duration the model makes at some setting (for messages and for the stand-in). */
export function durationsOf(model: LtxModel): number[] {
  const spec = LTX_MODEL_SPECS[model];
  return [...spec.durations, ...(spec.longDurations?.seconds ?? [])];
}

/** Durations every model makes at every setting: what a user may pick whatever the deployment's models. */
export function durationsEveryModelMakes(): number[] {
  return [...LTX_MODEL_SPECS['ltx-2-fast'].durations].filter((d) => LTX_MODELS.every((m) => LTX_MODEL_SPECS[m].durations.includes(d)));
}

export interface LtxClipSettings {
  model: LtxModel;
  /** As received: the request check passes a body's raw values, and a message quotes them. */
  resolution: unknown;
  fps: unknown;
  duration: unknown;
}

/**
 * Why LTX would refuse this resolution/fps/duration for the model, with the field it would name, or
 * null when the model makes it. Checked in the order the service reports them: size, rate, length.
 */
export function modelCombinationProblem(s: LtxClipSettings): { field: 'resolution' | 'fps' | 'duration'; message: string } | null {
  const spec = LTX_MODEL_SPECS[s.model];
  if (s.resolution === undefined) return { field: 'resolution', message: 'resolution is required' };
  if (!(spec.resolutions as readonly unknown[]).includes(s.resolution)) {
    const why = typeof s.resolution === 'string' && isPortraitResolution(s.resolution) ? ` (${s.model} makes no portrait video; portrait models: ${LTX_PORTRAIT_MODELS.join(', ')})` : '';
    return { field: 'resolution', message: `resolution must be one of ${spec.resolutions.join(', ')}, got ${show(s.resolution)}${why}` };
  }
  if (!(spec.fps as readonly unknown[]).includes(s.fps)) {
    return { field: 'fps', message: `fps must be one of ${spec.fps.join(', ')}, got ${show(s.fps)}` };
  }
  if (s.duration === undefined) return { field: 'duration', message: 'duration is required' };
  if ((spec.durations as readonly unknown[]).includes(s.duration)) return null;
  const long = spec.longDurations;
  if (!long || !(long.seconds as readonly unknown[]).includes(s.duration)) {
    return { field: 'duration', message: `duration must be one of ${durationsOf(s.model).join(', ')} for ${s.model}, got ${show(s.duration)}` };
  }
  if (!(long.resolutions as readonly unknown[]).includes(s.resolution) || s.fps !== long.fps) {
    return {
      field: 'duration',
      message: `duration ${String(s.duration)} with ${s.model} needs resolution ${long.resolutions.join(' or ')} and fps ${long.fps}, got ${String(s.resolution)} at ${String(s.fps)} fps`,
    };
  }
  return null;
}
