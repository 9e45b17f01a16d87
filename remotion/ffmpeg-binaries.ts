import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Paths of the FFmpeg and ffprobe that ship inside Remotion's compositor package, so scripts and
 * tests need no system FFmpeg. Node-only: never import this from the composition.
 */
const require = createRequire(import.meta.url);

function compositorDir(): string {
  const pkg = `@remotion/compositor-${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : ''}`;
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

export function ffmpegPath(): string {
  return path.join(compositorDir(), 'ffmpeg');
}

export function ffprobePath(): string {
  return path.join(compositorDir(), 'ffprobe');
}
