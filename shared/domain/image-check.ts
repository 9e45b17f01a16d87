import { ValidationError } from './errors';
import { readImageDimensions, type ImageDimensions } from './image-dimensions';
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

/**
 * The most pixels a photo may declare. A decoder allocates for what the header declares, so a tiny
 * file declaring 8192x8192 costs hundreds of MB to decode: refused by the header, before any decode,
 * in the pipeline and in the local LTX stand-in alike. 50 MP takes any camera's photo up to 8192x6144
 * (LTX renders at most 3840x2160, so nothing is lost) and bounds one RGBA decode to 200 MB.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** WebP's own limit, and more than any camera; also bounds a very long, thin picture. */
export const MAX_IMAGE_SIDE = 16_383;

/**
 * Reads the photo's declared width and height from its header (nothing is decoded) and refuses a
 * damaged header or more pixels than we decode. Messages are shown to users as the job's failure.
 */
export function checkImageDimensions(type: ImageContentType, bytes: Uint8Array): ImageDimensions {
  const dimensions = readImageDimensions(type, bytes);
  if (!dimensions) {
    throw new ValidationError('image', 'The photo is damaged: its header does not say how large it is. Export or save it again and upload the new file.');
  }
  const over = pixelBudgetExcess(dimensions);
  if (over) throw new ValidationError('image', `The photo is ${over}. Upload a smaller photo.`);
  return dimensions;
}

/** How a picture exceeds the pixel budget (`8192x8192 pixels (67.1 megapixels); the limit is ...`), or null. */
export function pixelBudgetExcess({ width, height }: ImageDimensions): string | null {
  const pixels = width * height;
  if (pixels <= MAX_IMAGE_PIXELS && width <= MAX_IMAGE_SIDE && height <= MAX_IMAGE_SIDE) return null;
  return `${width}x${height} pixels (${(pixels / 1e6).toFixed(1)} megapixels); the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels and ${MAX_IMAGE_SIDE} pixels on a side`;
}

/** Every check of a photo's bytes in hand: size, kind by content, and declared dimensions. */
export function checkPhotoBytes(bytes: Uint8Array): ImageContentType {
  const type = checkImage(bytes.length, bytes.subarray(0, 16));
  checkImageDimensions(type, bytes);
  return type;
}
