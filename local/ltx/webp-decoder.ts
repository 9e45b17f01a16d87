import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * WebP to RGBA with libwebp compiled to wasm (@jsquash/webp): Remotion's FFmpeg has no WebP decoder.
 * The wasm is read from the package on disk (nothing fetched), once per process.
 */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

type Decode = (buffer: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
let ready: Promise<Decode> | undefined;

async function load(): Promise<Decode> {
  // The emscripten glue builds its answer with `new ImageData(...)`, which Node does not have.
  const g = globalThis as { ImageData?: unknown };
  if (!g.ImageData) {
    g.ImageData = class ImageData {
      constructor(
        readonly data: Uint8ClampedArray,
        readonly width: number,
        readonly height: number,
      ) {}
    };
  }
  const module = await import('@jsquash/webp/decode.js');
  const require = createRequire(import.meta.url);
  const wasm = await WebAssembly.compile(await readFile(require.resolve('@jsquash/webp/codec/dec/webp_dec.wasm')));
  await module.init(wasm);
  return module.default as Decode;
}

export async function decodeWebp(bytes: Uint8Array): Promise<RgbaImage> {
  ready ??= load();
  const decode = await ready;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const image = await decode(copy.buffer);
  return { width: image.width, height: image.height, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
}
