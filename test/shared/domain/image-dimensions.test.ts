import { describe, expect, it } from 'vitest';
import { checkImageDimensions, checkPhotoBytes, MAX_IMAGE_PIXELS } from '../../../shared/domain/image-check';
import { readImageDimensions } from '../../../shared/domain/image-dimensions';
import { blankPng, WEBP_8192 } from '../../helpers/image-bombs';
import { jpegBytes } from '../../helpers/pipeline-fakes';

/** A JPEG whose frame header comes after an APP1 (EXIF-like) segment and a fill byte. */
function jpegWithExif(width: number, height: number): Buffer {
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x01, 0x02]), Buffer.alloc(0x100, 0xff)]);
  const sof = Buffer.from([0xff, 0xff, 0xc2, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, sof, Buffer.alloc(64)]);
}

/** A lossy WebP (VP8) header of the given size, and an extended (VP8X) one whose canvas and frame differ. */
function vp8(width: number, height: number): Buffer {
  const data = Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, width & 0xff, width >> 8, height & 0xff, height >> 8]);
  return Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), Buffer.from([data.length, 0, 0, 0]), data]);
}
function vp8x(canvas: number, frame: number): Buffer {
  const x = Buffer.alloc(10);
  x.writeUIntLE(canvas - 1, 4, 3);
  x.writeUIntLE(canvas - 1, 7, 3);
  const inner = vp8(frame, frame).subarray(12);
  return Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8X'), Buffer.from([10, 0, 0, 0]), x, inner]);
}

describe('image dimensions from the header alone', () => {
  it('reads PNG, JPEG (past APP segments and fill bytes) and the three kinds of WebP', () => {
    expect(readImageDimensions('image/png', blankPng(40))).toEqual({ width: 40, height: 40 });
    expect(readImageDimensions('image/jpeg', jpegWithExif(4000, 3000))).toEqual({ width: 4000, height: 3000 });
    expect(readImageDimensions('image/jpeg', jpegBytes())).toEqual({ width: 16, height: 16 });
    expect(readImageDimensions('image/webp', WEBP_8192)).toEqual({ width: 8192, height: 8192 });
    expect(readImageDimensions('image/webp', vp8(1920, 1080))).toEqual({ width: 1920, height: 1080 });
    // A small canvas does not hide a large frame, nor a small frame a large canvas.
    expect(readImageDimensions('image/webp', vp8x(100, 9000))).toEqual({ width: 9000, height: 9000 });
    expect(readImageDimensions('image/webp', vp8x(9000, 100))).toEqual({ width: 9000, height: 9000 });
  });

  it('gives null for a damaged or missing header', () => {
    expect(readImageDimensions('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x20, 0x20]))).toBeNull();
    expect(readImageDimensions('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(readImageDimensions('image/png', blankPng(40).subarray(0, 20))).toBeNull();
    expect(readImageDimensions('image/webp', WEBP_8192.subarray(0, 22))).toBeNull();
    expect(readImageDimensions('image/jpeg', jpegWithExif(4000, 0))).toBeNull();
  });
});

describe('the pixel budget', () => {
  it('refuses the 34-byte WebP bomb and the 16000x16000 PNG by what they declare, with a sentence a user can act on', () => {
    expect(() => checkPhotoBytes(WEBP_8192)).toThrow(
      'The photo is 8192x8192 pixels (67.1 megapixels); the limit is 50 megapixels and 16383 pixels on a side. Upload a smaller photo.',
    );
    expect(() => checkPhotoBytes(blankPng(16000))).toThrow(/^The photo is 16000x16000 pixels \(256\.0 megapixels\)/);
  });

  it('refuses a long thin picture by its side, and a damaged header', () => {
    expect(() => checkImageDimensions('image/jpeg', jpegWithExif(20000, 100))).toThrow(/20000x100 pixels/);
    expect(() => checkPhotoBytes(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0]))).toThrow(/^The photo is damaged: its header does not say how large it is/);
  });

  it('takes any camera photo up to the budget', () => {
    expect(checkImageDimensions('image/jpeg', jpegWithExif(8192, 6103))).toEqual({ width: 8192, height: 6103 });
    expect(8192 * 6103).toBeLessThanOrEqual(MAX_IMAGE_PIXELS);
  });
});
