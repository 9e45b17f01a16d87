/**
 * The bucket's key layout: `images/{userId}/{jobId}.{ext}` (or any `images/` key an operator drops),
 * `ltx-videos/{userId}/{jobId}[-portrait].mp4`, `renders/{userId}/{jobId}[-{format slug}].mp4`,
 * `thumbnails/{userId}/{jobId}[-{format slug}].jpg`. The landscape clip and the 16:9 video keep the
 * keys they had before jobs asked for several formats; every other format and the portrait clip get a
 * suffix. Every key the pipeline reads or writes is built and parsed here, so no other module
 * concatenates prefixes.
 */
import { VIDEO_FORMAT_SPECS, type ClipOrientation, type VideoFormat } from './video-formats';

export const PREFIXES = {
  images: 'images/',
  ltxVideos: 'ltx-videos/',
  renders: 'renders/',
  thumbnails: 'thumbnails/',
} as const;

export const IMAGE_EXTENSIONS = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;
export type ImageContentType = keyof typeof IMAGE_EXTENSIONS;
export type ImageExtension = (typeof IMAGE_EXTENSIONS)[ImageContentType];

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID_RE = new RegExp(`^${UUID}$`);
const CANONICAL_IMAGE_RE = new RegExp(`^images/(${UUID})/(${UUID})\\.(jpg|png|webp)$`);
/** A landscape clip's key has no suffix (the key every job had before portrait clips); a portrait clip's ends in `-portrait`. */
const LTX_RE = new RegExp(`^ltx-videos/(${UUID})/(${UUID})(-portrait)?\\.mp4$`);

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

export function imageKey(userId: string, jobId: string, ext: ImageExtension): string {
  return `${PREFIXES.images}${userId}/${jobId}.${ext}`;
}
export function ltxVideoKey(userId: string, jobId: string, orientation: ClipOrientation = 'landscape'): string {
  return `${PREFIXES.ltxVideos}${userId}/${jobId}${orientation === 'portrait' ? '-portrait' : ''}.mp4`;
}
/** `-9x16` for every format but 16:9, whose keys are the ones jobs had before they asked for formats. */
function formatSuffix(format: VideoFormat): string {
  return format === '16:9' ? '' : `-${VIDEO_FORMAT_SPECS[format].slug}`;
}
export function renderKey(userId: string, jobId: string, format: VideoFormat = '16:9'): string {
  return `${PREFIXES.renders}${userId}/${jobId}${formatSuffix(format)}.mp4`;
}
export function thumbnailKey(userId: string, jobId: string, format: VideoFormat = '16:9'): string {
  return `${PREFIXES.thumbnails}${userId}/${jobId}${formatSuffix(format)}.jpg`;
}

/** `images/{userId}/{jobId}.{ext}` as the upload endpoint issues it; null for any other images/ key. */
export function parseUploadImageKey(key: string): { userId: string; jobId: string; ext: ImageExtension } | null {
  const m = CANONICAL_IMAGE_RE.exec(key);
  if (!m) return null;
  return { userId: m[1]!, jobId: m[2]!, ext: m[3] as ImageExtension };
}

/** `ltx-videos/{userId}/{jobId}[-portrait].mp4`; null for any other key. */
export function parseLtxVideoKey(key: string): { userId: string; jobId: string; orientation: ClipOrientation } | null {
  const m = LTX_RE.exec(key);
  if (!m) return null;
  return { userId: m[1]!, jobId: m[2]!, orientation: m[3] ? 'portrait' : 'landscape' };
}

/** A readable title from a dropped file's name: "villa-sunset_2024.jpg" → "Villa Sunset 2024". */
export function titleFromKey(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
  const words = base.replace(/[_\-.+]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!words) return '';
  return words
    .split(' ')
    .map((w) => (w.length > 0 ? w[0]!.toLocaleUpperCase() + w.slice(1) : w))
    .join(' ')
    .slice(0, 80);
}

/** The owner segment of a hand-dropped key `images/{uuid}/anything`, if the operator used one. */
export function ownerFromKey(key: string): string | null {
  const m = new RegExp(`^images/(${UUID})/.+`).exec(key);
  return m ? m[1]! : null;
}
