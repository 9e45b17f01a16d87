import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../remotion/ffmpeg-binaries';

const run = promisify(execFile);

/** One frame (at `seconds`, or the only one of an image) as packed RGB bytes. */
export async function decodeRgb(file: string, width: number, height: number, seconds?: number): Promise<Buffer> {
  const seek = seconds === undefined ? [] : ['-ss', seconds.toFixed(3)];
  const { stdout } = await run(
    ffmpegPath(),
    ['-v', 'error', ...seek, '-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-f', 'image2pipe', '-c:v', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: width * height * 3 + 1024 },
  );
  return stdout;
}

const isNearWhite = (rgb: Buffer, i: number) => rgb[i]! >= 225 && rgb[i + 1]! >= 225 && rgb[i + 2]! >= 225;

/** Mean absolute difference per channel (0..255) and the count of near-white pixels, in a region given in 0..1 units. */
export function compareRegion(a: Buffer, b: Buffer, width: number, height: number, region: { x0: number; y0: number; x1: number; y1: number }) {
  let diff = 0;
  let n = 0;
  let whiteA = 0;
  let whiteB = 0;
  for (let y = Math.floor(region.y0 * height); y < Math.floor(region.y1 * height); y++) {
    for (let x = Math.floor(region.x0 * width); x < Math.floor(region.x1 * width); x++) {
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) diff += Math.abs(a[i + c]! - b[i + c]!);
      if (isNearWhite(a, i)) whiteA += 1;
      if (isNearWhite(b, i)) whiteB += 1;
      n += 1;
    }
  }
  return { meanDiff: diff / (n * 3), whiteA, whiteB, pixels: n };
}
