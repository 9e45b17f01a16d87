import { describe, expect, it } from 'vitest';
import { checkImage, MAX_IMAGE_BYTES, sniffImageType } from '../../../shared/domain/image-check';

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const WEBP = new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ');

describe('image checks', () => {
  it('recognises JPEG, PNG and WebP by their bytes', () => {
    expect(sniffImageType(JPEG)).toBe('image/jpeg');
    expect(sniffImageType(PNG)).toBe('image/png');
    expect(sniffImageType(WEBP)).toBe('image/webp');
    expect(sniffImageType(new TextEncoder().encode('hello, I am text'))).toBeNull();
    expect(sniffImageType(new Uint8Array())).toBeNull();
  });

  it('refuses empty, oversized and non-image files with a reason a user can act on', () => {
    expect(() => checkImage(0, new Uint8Array())).toThrow('The photo is empty (0 bytes). Upload a JPEG, PNG or WebP photo.');
    expect(() => checkImage(MAX_IMAGE_BYTES + 1, JPEG)).toThrow('The photo is 15.0 MB; the limit is 15 MB. Upload a smaller photo.');
    expect(() => checkImage(100, new TextEncoder().encode('not an image at all'))).toThrow(/not a JPEG, PNG or WebP image/);
    expect(checkImage(MAX_IMAGE_BYTES, JPEG)).toBe('image/jpeg');
  });
});
