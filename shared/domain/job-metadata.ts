import { z } from 'zod';
import { jobOptionsInputSchema, resolveJobOptions, type JobDefaults, type JobOptions } from './job-options';
import { toValidationError } from './format-zod-error';
import { ValidationError } from './errors';

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
    'portrait-model': o.portraitModel,
    fps: String(o.fps),
    formats: o.formats.join(','),
  };
}

const metadataSchema = z.object({
  title: z.string().optional(),
  subtitle: z.string().optional(),
  prompt: z.string().optional(),
  'camera-motion': z.string().optional(),
  duration: z.string().regex(/^\d+$/, 'must be a whole number of seconds').optional(),
  'music-file': z.string().optional(),
  /** A comma list, `16:9,9:16`: checked as the HTTP body's `formats` array is. */
  formats: z.string().optional(),
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
    formats: m.formats ? m.formats.split(',').map((f) => f.trim()) : undefined,
  };
  const parsed = jobOptionsInputSchema.safeParse(input);
  if (!parsed.success) throw toValidationError(parsed.error, input);
  return resolveJobOptions(parsed.data, defaults);
}

/**
 * Options for an `images/` object that has no job yet. Metadata the operator got wrong does not lose
 * the photo: the job is still made, with the deployment's defaults, and `invalid` says what to fix
 * (the step records it as the job's failure, where the operator sees it).
 */
export function optionsForNewPhoto(metadata: Record<string, string>, fallbackTitle: string, defaults: JobDefaults): { options: JobOptions; invalid?: string } {
  try {
    return { options: optionsFromMetadata(metadata, fallbackTitle, defaults) };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { options: resolveJobOptions({ title: fallbackTitle || undefined }, defaults), invalid: `The photo's metadata is invalid: ${err.message}` };
  }
}
