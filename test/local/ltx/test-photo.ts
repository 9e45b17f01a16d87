import { findFfmpeg } from '../../../local/ltx/ffmpeg-binaries';
import { runProcess } from '../../../local/ltx/run-process';

/**
 * A synthetic "photo" (sky gradient, a horizon, a checkered villa wall, a sun) so that every camera
 * move changes the picture in a way a test can see; encoded by the bundled FFmpeg as JPEG or PNG.
 */
export function photoPixels(width: number, height: number): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const sun = (x - width * 0.7) ** 2 + (y - height * 0.25) ** 2 < (height * 0.08) ** 2;
      if (sun) rgb.set([255, 220, 120], i);
      else if (y < height * 0.55) rgb.set([60 + (120 * y) / height, 120 + (100 * y) / height, 230], i);
      else rgb.set((((x / (width / 16)) | 0) + ((y / (height / 12)) | 0)) % 2 ? [230, 220, 200] : [150, 90, 60], i);
    }
  }
  return rgb;
}

export async function makeTestPhoto(format: 'jpeg' | 'png', width = 640, height = 480): Promise<Buffer> {
  const { ffmpeg, env } = findFfmpeg();
  const rgb = photoPixels(width, height);
  // prettier-ignore
  return runProcess(ffmpeg, [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'image2pipe', '-frame_size', String(rgb.length), '-c:v', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', '-',
    '-frames:v', '1', ...(format === 'jpeg' ? ['-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p'] : ['-c:v', 'png']), '-f', 'image2pipe', '-',
  ], { env, input: rgb, maxOutputBytes: 50_000_000 });
}

/** The same picture as WebP, encoded by libwebp (wasm, from the package on disk). */
export async function makeTestWebp(width = 640, height = 480): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  const { createRequire } = await import('node:module');
  const g = globalThis as { ImageData?: unknown };
  g.ImageData ??= class {
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
  };
  const encoder = await import('@jsquash/webp/encode.js');
  const require = createRequire(import.meta.url);
  await encoder.init(await WebAssembly.compile(await readFile(require.resolve('@jsquash/webp/codec/enc/webp_enc.wasm'))));
  const rgb = photoPixels(width, height);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  const ImageDataCtor = g.ImageData as new (data: Uint8ClampedArray, w: number, h: number) => ImageData;
  return Buffer.from(await encoder.default(new ImageDataCtor(rgba, width, height), { quality: 80 }));
}
