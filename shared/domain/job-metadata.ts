import { z } from 'zod';
import { jobOptionsInputSchema, resolveJobOptions, CAMERA_MOTIONS, LTX_MODELS, LTX_RESOLUTIONS, type JobDefaults, type JobOptions } from './job-options';
import { toValidationError } from './format-zod-error';

/**
 * Job options as S3 object metadata (x-amz-meta-*), so a photo or a clip carries everything the next
 * step needs. S3 allows 2 KB of user metadata in all, so the prompt is cut to fit.
 */
const PROMPT_METADATA_MAX = 400;

export function optionsToMetadata(o: JobOptions): Record<string, string> {
  return {
    title: o.title,
    subtitle: o.subtitle,
    prompt: o.prompt.slice(0, PROMPT_METADATA_MAX),
    'camera-motion': o.cameraMotion,
    duration: String(o.duration),
    'music-file': o.musicFile,
    model: o.model,
    resolution: o.resolution,
    fps: String(o.fps),
  };
}

const metadataSchema = z.object({
  title: z.string().optional(),
  subtitle: z.string().optional(),
  prompt: z.string().optional(),
  'camera-motion': z.string().optional(),
  duration: z.string().regex(/^\d+$/, 'must be a whole number of seconds').optional(),
  'music-file': z.string().optional(),
});

/**
 * Options for a photo dropped by hand: whatever metadata the operator set (validated like an HTTP
 * body: a bad value is an error with the field named), the title from the file name, and the
 * deployment's defaults for the rest.
 */
export function optionsFromMetadata(metadata: Record<string, string>, fallbackTitle: string, defaults: JobDefaults): JobOptions {
  const meta = metadataSchema.safeParse(metadata);
  if (!meta.success) throw toValidationError(meta.error, metadata);
  const m = meta.data;
  const input = {
    title: m.title || fallbackTitle || undefined,
    subtitle: m.subtitle || undefined,
    prompt: m.prompt || undefined,
    cameraMotion: m['camera-motion'] || undefined,
    duration: m.duration ? Number(m.duration) : undefined,
    musicFile: m['music-file'] || undefined,
  };
  const parsed = jobOptionsInputSchema.safeParse(input);
  if (!parsed.success) throw toValidationError(parsed.error, input);
  return resolveJobOptions(parsed.data, defaults);
}

/** Options stored in a job row (jsonb), checked on the way out of the database. */
export const storedOptionsSchema = z.object({
  title: z.string(),
  subtitle: z.string(),
  prompt: z.string(),
  cameraMotion: z.enum(CAMERA_MOTIONS),
  duration: z.union([z.literal(6), z.literal(8), z.literal(10)]),
  musicFile: z.string(),
  model: z.enum(LTX_MODELS),
  resolution: z.enum(LTX_RESOLUTIONS),
  fps: z.union([z.literal(25), z.literal(50)]),
});
