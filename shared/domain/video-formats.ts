/**
 * The output formats a job may ask for (issue 15): one aspect ratio each, the platforms that want it,
 * the size it is delivered at, and the LTX clip it is made from. At most one LTX generation per
 * orientation: 16:9 from a landscape clip; 9:16 from a portrait clip generated natively as portrait;
 * 4:5 and 1:1 cut from that same portrait clip. Browser-safe (the web page imports it).
 */

export const VIDEO_FORMATS = ['16:9', '9:16', '4:5', '1:1'] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

/** The orientation of an LTX clip: landscape 1920x1080 (and larger), portrait 1080x1920. */
export const CLIP_ORIENTATIONS = ['landscape', 'portrait'] as const;
export type ClipOrientation = (typeof CLIP_ORIENTATIONS)[number];

export interface VideoFormatSpec {
  format: VideoFormat;
  /** Delivered size, pixels. */
  width: number;
  height: number;
  /** The clip this format is rendered from. */
  orientation: ClipOrientation;
  /** In keys and file names, where `:` does not belong: `9x16`. */
  slug: string;
  /** For people: where this shape is wanted. */
  label: string;
}

export const VIDEO_FORMAT_SPECS: Record<VideoFormat, VideoFormatSpec> = {
  '16:9': { format: '16:9', width: 1920, height: 1080, orientation: 'landscape', slug: '16x9', label: 'Landscape 16:9 (YouTube, website)' },
  '9:16': { format: '9:16', width: 1080, height: 1920, orientation: 'portrait', slug: '9x16', label: 'Vertical 9:16 (Reels, TikTok, Shorts)' },
  '4:5': { format: '4:5', width: 1080, height: 1350, orientation: 'portrait', slug: '4x5', label: 'Portrait 4:5 (Instagram feed)' },
  '1:1': { format: '1:1', width: 1080, height: 1080, orientation: 'portrait', slug: '1x1', label: 'Square 1:1 (Instagram, Facebook feed)' },
};

/** What a job makes when it does not say: the deployment may change it (DEFAULT_FORMATS). */
export const BUILTIN_DEFAULT_FORMATS: readonly VideoFormat[] = ['16:9'];

/** The job's first format: its `generated_videos` row keeps the job's own id, and `video_jobs.generated_video_id` points at it. */
export function primaryFormat(formats: readonly VideoFormat[]): VideoFormat {
  return formats[0] ?? '16:9';
}

export function isVideoFormat(value: unknown): value is VideoFormat {
  return typeof value === 'string' && (VIDEO_FORMATS as readonly string[]).includes(value);
}

/** Formats in the canonical order (16:9, 9:16, 4:5, 1:1), each once: the order rows, keys and renders use. */
export function canonicalFormats(formats: readonly VideoFormat[]): VideoFormat[] {
  return VIDEO_FORMATS.filter((f) => formats.includes(f));
}

/** The clips a job needs: one per orientation its formats use, landscape first. */
export function clipOrientationsFor(formats: readonly VideoFormat[]): ClipOrientation[] {
  return CLIP_ORIENTATIONS.filter((o) => formats.some((f) => VIDEO_FORMAT_SPECS[f].orientation === o));
}

/** The job's formats made from a clip of this orientation. */
export function formatsFromClip(formats: readonly VideoFormat[], orientation: ClipOrientation): VideoFormat[] {
  return canonicalFormats(formats).filter((f) => VIDEO_FORMAT_SPECS[f].orientation === orientation);
}

/**
 * The format's size scaled down (tests and previews render small), each side rounded to an even
 * number of pixels: H.264 with 4:2:0 chroma refuses odd sizes (1350 / 6 = 225).
 */
export function renderSizeFor(format: VideoFormat, scale = 1): { width: number; height: number } {
  const spec = VIDEO_FORMAT_SPECS[format];
  const even = (n: number) => Math.max(2, 2 * Math.round((n * scale) / 2));
  return { width: even(spec.width), height: even(spec.height) };
}

/** `1080x1920` → its format, when a size is exactly one of ours (a generated_videos row's `resolution`). */
export function formatOfResolution(resolution: string): VideoFormat | null {
  return VIDEO_FORMATS.find((f) => `${VIDEO_FORMAT_SPECS[f].width}x${VIDEO_FORMAT_SPECS[f].height}` === resolution) ?? null;
}

/** Parses a comma list (`16:9,9:16`), as the CLI and DEFAULT_FORMATS take it; throws naming the bad value. */
export function parseFormatList(list: string): VideoFormat[] {
  const items = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`formats must name at least one of ${VIDEO_FORMATS.join(', ')}`);
  for (const item of items) {
    if (!isVideoFormat(item)) throw new Error(`formats: ${JSON.stringify(item)} is not one of ${VIDEO_FORMATS.join(', ')}`);
  }
  return canonicalFormats(items as VideoFormat[]);
}
