// @ts-check
/**
 * One WebP decode in a worker thread of its own (webp-decoder.ts starts it, and it ends with the
 * decode). libwebp runs as wasm, which blocks whatever thread it runs on and never gives its memory
 * back: here it blocks only this thread, and its memory goes with the thread.
 *
 * Plain JavaScript on purpose: a worker thread does not inherit vitest's TypeScript transform.
 *
 * in (workerData): {wasm: WebAssembly.Module, bytes: Uint8Array}
 * out: {width, height, data: Uint8Array} (data's buffer transferred) | {error: string}
 */
import { parentPort, workerData } from 'node:worker_threads';

// The emscripten glue builds its answer with `new ImageData(...)`, which Node does not have.
const g = /** @type {{ ImageData?: unknown }} */ (globalThis);
g.ImageData ??= class ImageData {
  /** @param {Uint8ClampedArray} data @param {number} width @param {number} height */
  constructor(data, width, height) {
    this.data = data;
    this.width = width;
    this.height = height;
  }
};

try {
  const { default: decode, init } = await import('@jsquash/webp/decode.js');
  await init(workerData.wasm);
  /** @type {Uint8Array} */
  const bytes = workerData.bytes;
  const image = await decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  parentPort?.postMessage({ width: image.width, height: image.height, data }, [data.buffer]);
} catch (err) {
  parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
