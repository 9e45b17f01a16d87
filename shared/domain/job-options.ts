import { z } from 'zod';
import { MUSIC_FILES, DEFAULT_MUSIC_FILE } from './music';
import { toValidationError } from './format-zod-error';
import { BUILTIN_DEFAULT_FORMATS, canonicalFormats, VIDEO_FORMATS, type VideoFormat } from './video-formats';
import { ValidationError } from './errors';
import { LTX_FPS_VALUES, LTX_LANDSCAPE_RESOLUTIONS, LTX_MODELS, modelCombinationProblem, supportsPortrait, type LtxFps, type LtxLandscapeResolution, type LtxModel } from './ltx/ltx-models';
import { ltxClipPlans } from './ltx/ltx-clip-plan';

/** Camera motions LTX-2 accepts (docs.ltx.video). */
export const CAMERA_MOTIONS = ['dolly_in', 'dolly_out', 'dolly_left', 'dolly_right', 'jib_up', 'jib_down', 'static', 'focus_shift'] as const;
export type CameraMotion = (typeof CAMERA_MOTIONS)[number];
/** What a user may ask for: the durations every model in ltx-models.ts makes at every setting (a test holds them equal). */
export const DURATIONS = [6, 8, 10] as const;
export type Duration = (typeof DURATIONS)[number];
/** The deployment's choice (LTX_FPS), from the models' table. */
export const FPS_VALUES = LTX_FPS_VALUES;
export type Fps = LtxFps;

export const LIMITS = {
  titleMaxLength: 80,
  subtitleMaxLength: 120,
  promptMaxLength: 1000,
  filenameMaxLength: 200,
} as const;

/** A non-empty set of formats, each named once; kept in the canonical order (16:9, 9:16, 4:5, 1:1). */
const formatsSchema = z
  .array(z.enum(VIDEO_FORMATS, { message: `must each be one of ${VIDEO_FORMATS.map((f) => `"${f}"`).join(', ')}` }))
  .min(1, 'must name at least one format')
  .max(VIDEO_FORMATS.length)
  .refine((list) => new Set(list).size === list.length, 'must not name a format twice')
  .transform((list) => canonicalFormats(list));

/** What a user may choose for a job; everything optional, defaults filled by `resolveJobOptions`. */
export const jobOptionsInputSchema = z.object({
  title: z.string().trim().min(1).max(LIMITS.titleMaxLength).optional(),
  subtitle: z.string().trim().max(LIMITS.subtitleMaxLength).optional(),
  prompt: z.string().trim().min(1).max(LIMITS.promptMaxLength).optional(),
  cameraMotion: z.enum(CAMERA_MOTIONS).optional(),
  duration: z.union([z.literal(6), z.literal(8), z.literal(10)]).optional(),
  musicFile: z.enum(MUSIC_FILES).optional(),
  formats: formatsSchema.optional(),
});
export type JobOptionsInput = z.infer<typeof jobOptionsInputSchema>;

/**
 * The job's options with nothing left optional: what the handlers work on. A type, not an interface,
 * so it is assignable to the generated `Json` of the `video_jobs.options` column.
 */
export type JobOptions = {
  title: string;
  subtitle: string;
  prompt: string;
  cameraMotion: CameraMotion;
  duration: Duration;
  musicFile: string;
  /** The landscape clip's model and size (16:9), the deployment's LTX_MODEL and LTX_RESOLUTION. */
  model: LtxModel;
  resolution: LtxLandscapeResolution;
  /** The portrait clip's model (9:16, 4:5, 1:1), LTX_PORTRAIT_MODEL: one that makes 1080x1920 natively. */
  portraitModel: LtxModel;
  fps: Fps;
  /** The videos the job makes, canonical order, at least one (video-formats.ts). */
  formats: VideoFormat[];
};

/** A deployment's defaults cover every option (model, resolution and fps are not the user's to choose). */
export type JobDefaults = JobOptions;

export const BUILTIN_JOB_DEFAULTS: JobDefaults = {
  title: 'Your Villa',
  subtitle: 'Discover your private sanctuary',
  prompt: 'Slow cinematic camera move through a luxury holiday villa, warm golden light, gentle breeze',
  cameraMotion: 'dolly_in',
  duration: 6,
  musicFile: DEFAULT_MUSIC_FILE,
  model: 'ltx-2-fast',
  resolution: '1920x1080',
  portraitModel: 'ltx-2-3-fast',
  fps: 25,
  formats: [...BUILTIN_DEFAULT_FORMATS],
};

/**
 * Fills every default in one place (the user's choice wins over the deployment's defaults), and
 * refuses a job one of its clips' models cannot make (ValidationError naming the user's field:
 * `duration`, or `formats` when the deployment's own settings are what the model lacks).
 */
export function resolveJobOptions(input: JobOptionsInput, defaults: JobDefaults): JobOptions {
  const options: JobOptions = {
    title: input.title ?? defaults.title,
    subtitle: input.subtitle ?? defaults.subtitle,
    prompt: input.prompt ?? defaults.prompt,
    cameraMotion: input.cameraMotion ?? defaults.cameraMotion,
    duration: input.duration ?? defaults.duration,
    musicFile: input.musicFile ?? defaults.musicFile,
    model: defaults.model,
    resolution: defaults.resolution,
    portraitModel: defaults.portraitModel,
    fps: defaults.fps,
    formats: input.formats ?? [...defaults.formats],
  };
  assertClipsPossible(options);
  return options;
}

/** Throws ValidationError when a clip the job needs is a combination its model does not make. */
export function assertClipsPossible(options: JobOptions): void {
  for (const clip of ltxClipPlans(options)) {
    const problem = modelCombinationProblem(clip);
    if (!problem) continue;
    const formats = clip.formats.join(', ');
    if (problem.field === 'duration') {
      throw new ValidationError('duration', `duration: ${options.duration} s cannot be made for ${formats}: ${problem.message}`);
    }
    throw new ValidationError('formats', `formats: ${formats} cannot be made by this deployment: ${problem.message}`);
  }
}

/** Options as stored in a job row (`video_jobs.options`, jsonb): complete, every value one we accept. */
const storedOptionsSchema = z.object({
  title: z.string(),
  subtitle: z.string(),
  prompt: z.string(),
  cameraMotion: z.enum(CAMERA_MOTIONS),
  duration: z.literal(DURATIONS),
  musicFile: z.string(),
  model: z.enum(LTX_MODELS),
  resolution: z.enum(LTX_LANDSCAPE_RESOLUTIONS),
  // Rows written before portrait clips existed: the built-in portrait model (they ask for 16:9 only).
  portraitModel: z
    .enum(LTX_MODELS)
    .refine(supportsPortrait, 'must be a model that makes portrait video')
    .default(BUILTIN_JOB_DEFAULTS.portraitModel),
  fps: z.literal(FPS_VALUES),
  // Rows written before jobs asked for formats made one 16:9 video.
  formats: z.array(z.enum(VIDEO_FORMATS)).min(1).default(['16:9']),
});

/**
 * Checks a job row's `options` on the way out of the database (jsonb is any JSON to the type system):
 * a row written by another version or by hand that lacks a field is an error naming it, never a job
 * that renders `undefined`.
 */
export function parseStoredOptions(value: unknown): JobOptions {
  const parsed = storedOptionsSchema.safeParse(value);
  if (!parsed.success) throw toValidationError(parsed.error, value, 'options');
  return parsed.data;
}

export function resolutionSize(resolution: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/.exec(resolution);
  if (!match) throw new Error(`resolution must look like 1920x1080, got ${JSON.stringify(resolution)}`);
  return { width: Number(match[1]), height: Number(match[2]) };
}
