import { deflateSync } from 'node:zlib';

/**
 * Decompression bombs: tiny files whose headers declare pictures that decode to gigabytes.
 * Both are well formed (a decoder would decode them in full), which is what makes them bombs.
 */

/** A 34-byte lossless WebP declaring 8192x8192 (made once with libwebp: `cwebp -lossless` of a blank picture). */
export const WEBP_8192 = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAv/9//FwcQERGIiP4HAA==', 'base64');

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A valid 1-bit greyscale PNG of `side`x`side` blank pixels: 16000x16000 is about 32 KB on disk. */
export function blankPng(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filter, no interlace
  const row = 1 + Math.ceil(side / 8); // filter byte + packed bits
  const raw = Buffer.alloc(row * side);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
