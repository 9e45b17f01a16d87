import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * FFmpeg and ffprobe as shipped inside Remotion's compositor package (no system install, no download).
 * Remotion's build keeps only a few filters (scale, crop, format...: no zoompan, no blur, no overlay)
 * and no WebP decoder, which is why the camera motion is computed in JS and WebP goes through wasm.
 */
export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** Environment for spawning them: the shared libraries sit beside the binaries. */
  env: NodeJS.ProcessEnv;
}

const COMPOSITOR_PACKAGES: Record<string, string> = {
  'linux-x64': '@remotion/compositor-linux-x64-gnu',
  'linux-arm64': '@remotion/compositor-linux-arm64-gnu',
  'darwin-x64': '@remotion/compositor-darwin-x64',
  'darwin-arm64': '@remotion/compositor-darwin-arm64',
  'win32-x64': '@remotion/compositor-win32-x64-msvc',
};

let cached: FfmpegBinaries | undefined;

export function findFfmpeg(): FfmpegBinaries {
  if (cached) return cached;
  const name = COMPOSITOR_PACKAGES[`${process.platform}-${process.arch}`];
  if (!name) throw new Error(`no Remotion compositor (FFmpeg) for ${process.platform}-${process.arch}`);
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new Error(`${name} is not installed: run npm ci (it ships the FFmpeg the local LTX server uses)`);
  }
  const exe = process.platform === 'win32' ? '.exe' : '';
  const ffmpeg = join(dir, `ffmpeg${exe}`);
  const ffprobe = join(dir, `ffprobe${exe}`);
  if (!existsSync(ffmpeg) || !existsSync(ffprobe)) throw new Error(`ffmpeg/ffprobe missing in ${dir}: reinstall ${name}`);
  const libVar = process.platform === 'darwin' ? 'DYLD_LIBRARY_PATH' : 'LD_LIBRARY_PATH';
  // Only the library path: FFmpeg needs nothing else from the environment (and gets no secrets).
  cached = { ffmpeg, ffprobe, env: { [libVar]: dir } };
  return cached;
}
