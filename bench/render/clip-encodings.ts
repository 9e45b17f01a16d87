import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findFfmpeg } from '../../local/ltx/ffmpeg-binaries';
import type { ClipEncoding } from './variants';

const run = promisify(execFile);

/**
 * The clip re-encoded as the pipeline could do before rendering (with the FFmpeg Remotion ships, the
 * one a render function has): a keyframe every second, or every frame a keyframe, so that a tab or a
 * Lambda chunk starting mid-clip decodes less. Returns the file and how long the re-encode took.
 */
export async function encodeClip(source: string, encoding: ClipEncoding, out: string, fps: number): Promise<{ file: string; seconds: number }> {
  if (encoding === 'as-sent') return { file: source, seconds: 0 };
  const { ffmpeg, env } = findFfmpeg();
  const gop = encoding === 'all-keyframes' ? 1 : fps;
  const started = performance.now();
  // prettier-ignore
  await run(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y', '-i', source,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-an', out,
  ], { env });
  return { file: out, seconds: (performance.now() - started) / 1000 };
}
