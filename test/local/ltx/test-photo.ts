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
