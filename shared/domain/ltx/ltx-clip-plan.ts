import { clipOrientationsFor, formatsFromClip, type ClipOrientation, type VideoFormat } from '../video-formats';
import { portraitResolutionOf, type LtxFps, type LtxModel, type LtxResolution } from './ltx-models';

/** The job's settings that decide its clips (a structural slice of JobOptions, which imports this). */
export interface ClipPlanInput {
  model: LtxModel;
  resolution: LtxResolution;
  portraitModel: LtxModel;
  fps: LtxFps;
  duration: number;
  formats: readonly VideoFormat[];
}

/** One LTX generation: which clip, from which model at which size; the prompt and motion are the job's. */
export interface LtxClipPlan {
  orientation: ClipOrientation;
  model: LtxModel;
  resolution: LtxResolution;
  fps: LtxFps;
  duration: number;
  /** The job's formats cut from this clip (for messages: "the 9:16, 1:1 videos"). */
  formats: VideoFormat[];
}

/**
 * The clips a job needs, landscape first: at most one per orientation. Landscape comes from the
 * deployment's model at its resolution; portrait (9:16, 4:5 and 1:1 are cut from it) from the
 * portrait model at its native portrait size, so a vertical video is never a crop of a landscape one.
 */
export function ltxClipPlans(options: ClipPlanInput): LtxClipPlan[] {
  return clipOrientationsFor(options.formats).map((orientation) => ltxClipPlan(options, orientation));
}

export function ltxClipPlan(options: ClipPlanInput, orientation: ClipOrientation): LtxClipPlan {
  const common = { orientation, fps: options.fps, duration: options.duration, formats: formatsFromClip(options.formats, orientation) };
  if (orientation === 'landscape') return { ...common, model: options.model, resolution: options.resolution };
  return { ...common, model: options.portraitModel, resolution: portraitResolutionOf(options.portraitModel) };
}
