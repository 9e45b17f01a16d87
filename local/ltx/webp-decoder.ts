import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WebP to RGBA with libwebp compiled to wasm (@jsquash/webp): Remotion's FFmpeg has no WebP decoder.
 * Each decode runs in a worker thread of its own (webp-decode-worker.js), so a large picture blocks
 * no request of the stand-in's and the wasm memory it grew is freed when the thread ends. (Pixel
 * counts are bounded before this, by the header: shared/domain/image-check.ts.) The wasm is read
 * from the package on disk (nothing fetched) and compiled once per process.
 */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const WORKER_URL = new URL('./webp-decode-worker.js', import.meta.url);
let compiled: Promise<WebAssembly.Module> | undefined;

function wasmModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const require = createRequire(import.meta.url);
    return WebAssembly.compile(await readFile(require.resolve('@jsquash/webp/codec/dec/webp_dec.wasm')));
  })();
  return compiled;
}

export async function decodeWebp(bytes: Uint8Array): Promise<RgbaImage> {
  const wasm = await wasmModule();
  const copy = Uint8Array.from(bytes);
  return new Promise<RgbaImage>((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { wasm, bytes: copy }, transferList: [copy.buffer] });
    let settled = false;
    worker.once('message', (answer: RgbaImage | { error: string }) => {
      settled = true;
      if ('error' in answer) reject(new Error(answer.error));
      else resolve(answer);
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the WebP decoder thread ended (exit code ${code}) without an answer`));
    });
  });
}
