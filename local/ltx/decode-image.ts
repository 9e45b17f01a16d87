import { findFfmpeg } from './ffmpeg-binaries';
import type { ImageFormat } from './image-format';
import { invalidRequest } from './ltx-http-error';
import { runProcess } from './run-process';
import { decodeWebp } from './webp-decoder';

/** A picture as YUV 4:2:0 planes (what H.264 takes), chroma at half width and height. */
export interface Planes {
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

export function splitPlanes(buffer: Uint8Array, width: number, height: number): Planes {
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  return {
    width,
    height,
    y: buffer.subarray(0, ySize),
    u: buffer.subarray(ySize, ySize + cSize),
    v: buffer.subarray(ySize + cSize, ySize + 2 * cSize),
  };
}

/**
 * Decodes a JPEG, PNG or WebP and fits it to `width`x`height` (both even) by cropping to the aspect
 * ratio around the centre ("cover") and scaling with Lanczos: the camera then moves over that.
 */
export async function decodeImageToPlanes(bytes: Uint8Array, format: ImageFormat, width: number, height: number): Promise<Planes> {
  const { ffmpeg, env } = findFfmpeg();
  const aspect = width / height;
  const filter = `crop=w='min(iw,trunc(ih*${aspect}))':h='min(ih,trunc(iw/${aspect}))',scale=${width}:${height}:flags=lanczos,format=yuv420p`;
  let input: Uint8Array;
  let inputArgs: string[];
  if (format === 'webp') {
    let rgba;
    try {
      rgba = await decodeWebp(bytes);
    } catch (err) {
      throw invalidRequest('image_uri is not a decodable WEBP image', (err as Error).message);
    }
    input = rgba.data;
    inputArgs = ['-f', 'image2pipe', '-frame_size', String(rgba.data.byteLength), '-c:v', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${rgba.width}x${rgba.height}`];
  } else {
    input = bytes;
    inputArgs = ['-f', 'image2pipe', '-c:v', format === 'jpeg' ? 'mjpeg' : 'png'];
  }
  const expected = (width * height * 3) / 2;
  let out: Buffer;
  try {
    out = await runProcess(
      ffmpeg,
      ['-hide_banner', '-loglevel', 'error', ...inputArgs, '-i', '-', '-frames:v', '1', '-vf', filter, '-f', 'image2pipe', '-c:v', 'rawvideo', '-pix_fmt', 'yuv420p', '-'],
      { env, input, maxOutputBytes: expected },
    );
  } catch (err) {
    throw invalidRequest(`image_uri is not a decodable ${format.toUpperCase()} image`, (err as Error).message.slice(0, 2000));
  }
  if (out.length !== expected) throw invalidRequest(`image_uri is not a decodable ${format.toUpperCase()} image (no picture in it)`);
  return splitPlanes(out, width, height);
}
