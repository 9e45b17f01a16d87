import { ValidationError } from './errors';
import type { ImageContentType } from './keys';

/** LTX-2 fetches an image URL of at most 15 MB; we hold uploads to the same limit. */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

/** Identifies JPEG, PNG and WebP by their first bytes; null for anything else. */
export function sniffImageType(head: Uint8Array): ImageContentType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b)) return 'image/png';
  if (
    head.length >= 12 &&
    String.fromCharCode(...head.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...head.subarray(8, 12)) === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

/**
 * Checks a stored photo before any paid call: not empty, within the size limit, and really an image
 * of a supported kind (whatever its name says). Messages are shown to users as the job's failure.
 */
export function checkImage(size: number, head: Uint8Array): ImageContentType {
  checkImageSize(size);
  const type = sniffImageType(head);
  if (!type) throw new ValidationError('image', 'The file is not a JPEG, PNG or WebP image (its content says otherwise, whatever its name). Upload a photo.');
  return type;
}

/** The size rules alone, checked on the object's HEAD before any byte is downloaded. */
export function checkImageSize(size: number): void {
  if (size === 0) throw new ValidationError('image', 'The photo is empty (0 bytes). Upload a JPEG, PNG or WebP photo.');
  if (size > MAX_IMAGE_BYTES) {
    throw new ValidationError('image', `The photo is ${(size / 1048576).toFixed(1)} MB; the limit is 15 MB. Upload a smaller photo.`);
  }
}
