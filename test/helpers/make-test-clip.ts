import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../remotion/ffmpeg-binaries';

const run = promisify(execFile);

/**
 * An H.264 clip made from a still with the FFmpeg inside Remotion's compositor package: a slow
 * push-in (scaled per frame, cropped to the centre) so the frames differ, like an LTX dolly-in.
 */
export async function makeTestClip(options: { image: string; out: string; width: number; height: number; seconds: number; fps: number }): Promise<void> {
  const { image, out, width, height, seconds, fps } = options;
  const zoom = `(1+0.08*t/${seconds})`;
  await run(ffmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-loop', '1', '-framerate', String(fps), '-i', image,
    '-t', String(seconds),
    '-vf', `scale=w='trunc(${width}*${zoom}/2)*2':h='trunc(${height}*${zoom}/2)*2':eval=frame,crop=${width}:${height},format=yuv420p`,
    // Square pixels: the scale above stretches the still to the clip's shape, and FFmpeg would otherwise
    // keep the still's display aspect in the sample aspect ratio (a portrait clip that plays as landscape).
    '-aspect', `${width}:${height}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-r', String(fps), '-movflags', '+faststart',
    out,
  ]);
}
