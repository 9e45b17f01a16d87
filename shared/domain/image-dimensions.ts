import type { ImageContentType } from './keys';

/**
 * An image's declared width and height, read from its header alone (no pixel is decoded), so that
 * a file declaring more pixels than we will ever decode is refused before any decoder sees it: a
 * 34-byte WebP or a 32 KB PNG can declare a picture that decodes to gigabytes.
 */
export interface ImageDimensions {
  width: number;
  height: number;
}

/** The dimensions the header of `bytes` declares, or null when the header is missing or damaged. */
export function readImageDimensions(type: ImageContentType, bytes: Uint8Array): ImageDimensions | null {
  switch (type) {
    case 'image/png':
      return pngDimensions(bytes);
    case 'image/jpeg':
      return jpegDimensions(bytes);
    case 'image/webp':
      return webpDimensions(bytes);
  }
}

const ascii = (bytes: Uint8Array, at: number, length: number): string => String.fromCharCode(...bytes.subarray(at, at + length));
const u16be = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number): number => ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
const u32le = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + ((b[at + 3]! << 24) >>> 0);

/** PNG: the IHDR chunk comes first, right after the 8-byte signature. */
function pngDimensions(b: Uint8Array): ImageDimensions | null {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return positive(u32be(b, 16), u32be(b, 20));
}

/** JPEG: walks the marker segments up to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC). */
function jpegDimensions(b: Uint8Array): ImageDimensions | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // standalone markers carry no length
      continue;
    }
    // Entropy-coded data or the end before any frame header: no dimensions declared.
    if (marker === 0xd9 || marker === 0xda) return null;
    const length = u16be(b, at + 2);
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > b.length) return null;
      // A height of 0 defers it to a DNL marker after the scan: nothing to bound before decoding.
      return positive(u16be(b, at + 7), u16be(b, at + 5));
    }
    at += 2 + length;
  }
  return null;
}

/**
 * WebP: a lossy (VP8), lossless (VP8L) or extended (VP8X) file. For VP8X both the canvas and the
 * first image chunk are read and the larger taken: a decoder may allocate for either.
 */
function webpDimensions(b: Uint8Array): ImageDimensions | null {
  if (b.length < 16 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return null;
  let at = 12;
  let canvas: ImageDimensions | null = null;
  while (at + 8 <= b.length) {
    const fourcc = ascii(b, at, 4);
    const size = u32le(b, at + 4);
    const data = at + 8;
    if (fourcc === 'VP8 ') return larger(canvas, vp8Dimensions(b, data));
    if (fourcc === 'VP8L') return larger(canvas, vp8lDimensions(b, data));
    if (fourcc === 'VP8X') {
      if (data + 10 > b.length) return null;
      canvas = positive(u24le(b, data + 4) + 1, u24le(b, data + 7) + 1);
    }
    // An animation's frames are inside ANMF chunks: the canvas bounds them.
    if (fourcc === 'ANMF' && canvas) return canvas;
    at = data + size + (size % 2);
  }
  return canvas;
}

function vp8Dimensions(b: Uint8Array, at: number): ImageDimensions | null {
  if (at + 10 > b.length || b[at + 3] !== 0x9d || b[at + 4] !== 0x01 || b[at + 5] !== 0x2a) return null;
  return positive(u16le(b, at + 6) & 0x3fff, u16le(b, at + 8) & 0x3fff);
}

function vp8lDimensions(b: Uint8Array, at: number): ImageDimensions | null {
  if (at + 5 > b.length || b[at] !== 0x2f) return null;
  const bits = u32le(b, at + 1);
  return positive((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
}

function positive(width: number, height: number): ImageDimensions | null {
  return width > 0 && height > 0 ? { width, height } : null;
}

function larger(a: ImageDimensions | null, b: ImageDimensions | null): ImageDimensions | null {
  if (!a || !b) return b ?? null;
  return a.width * a.height >= b.width * b.height ? a : b;
}
