import { ValidationError } from '../errors';
import { LTX_IMAGE_CONTENT_TYPES, LTX_MAX_DATA_URI_BYTES, LTX_MAX_IMAGE_URL_BYTES } from './ltx-limits';

function checkContentType(contentType: string): void {
  if (!(LTX_IMAGE_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw new ValidationError('contentType', `LTX accepts ${LTX_IMAGE_CONTENT_TYPES.join(', ')}, got ${JSON.stringify(contentType)}`);
  }
}

/** Length of `data:{type};base64,{...}` for `size` bytes, without building it. */
export function dataUriLength(size: number, contentType: string): number {
  return `data:${contentType};base64,`.length + 4 * Math.ceil(size / 3);
}

/** `data:image/...;base64,...` for image bytes (LTX's image_uri accepts it up to 7 MB encoded). */
export function toDataUri(bytes: Uint8Array, contentType: string): string {
  checkContentType(contentType);
  return `data:${contentType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

export interface ImageUriChoice {
  /** The photo's bytes, when already read: used for a data URI if it fits (no URL for LTX to fetch). */
  bytes?: Uint8Array;
  contentType: string;
  size: number;
  /** An https GET URL LTX can fetch within 10 s (a presigned S3 URL). Needed above the data URI limit. */
  presignedUrl?: string;
}

/**
 * Picks LTX's image_uri: a data URI when the bytes are at hand and it fits in 7 MB encoded (about
 * 5.2 MB of photo), else the presigned URL when the photo is at most 15 MB; else a ValidationError.
 */
export function chooseImageUri(choice: ImageUriChoice): string {
  checkContentType(choice.contentType);
  if (choice.bytes && dataUriLength(choice.bytes.byteLength, choice.contentType) <= LTX_MAX_DATA_URI_BYTES) {
    return toDataUri(choice.bytes, choice.contentType);
  }
  if (choice.size > LTX_MAX_IMAGE_URL_BYTES) {
    throw new ValidationError(
      'image',
      `the photo is ${choice.size} bytes; LTX accepts at most ${LTX_MAX_IMAGE_URL_BYTES} bytes (15 MB) from a URL`,
    );
  }
  if (!choice.presignedUrl) {
    throw new ValidationError(
      'image',
      `the photo is ${choice.size} bytes, too large for a ${LTX_MAX_DATA_URI_BYTES}-byte data URI, and no presigned URL was given`,
    );
  }
  return choice.presignedUrl;
}
