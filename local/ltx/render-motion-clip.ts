import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { CameraMotion } from '../../shared/domain/job-options';
import { CAMERA_PATHS, windowAt, workingSize } from './camera-path';
import { decodeImageToPlanes, splitPlanes, type Planes } from './decode-image';
import { findFfmpeg } from './ffmpeg-binaries';
import { blurPlane, mixPlanes, samplePlane } from './frame-sampler';
import type { ImageFormat } from './image-format';

export interface MotionClipOptions {
  image: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  /** Without one, LTX picks the motion itself; here the camera barely drifts. */
  motion?: CameraMotion;
  outFile: string;
  signal?: AbortSignal;
}

function clonePlanes(p: Planes): Planes {
  const buffer = new Uint8Array(p.y.length + p.u.length + p.v.length);
  buffer.set(p.y, 0);
  buffer.set(p.u, p.y.length);
  buffer.set(p.v, p.y.length + p.u.length);
  return splitPlanes(buffer, p.width, p.height);
}

/**
 * Makes the clip: the photo, decoded once at output size x headroom, is filmed through a moving
 * window (bilinear, sub-pixel, so slow moves do not judder), frame by frame into libx264. The MP4
 * goes to a file with `+faststart` (moov first: what LTX sends, and seekable by any player or S3
 * range read); the server then streams the file with a true Content-Length.
 */
export async function renderMotionClip(options: MotionClipOptions): Promise<{ frames: number }> {
  const { width, height, fps } = options;
  const path = CAMERA_PATHS[options.motion ?? 'static'];
  const work = workingSize(width, height, path.headroom);
  const sharp = await decodeImageToPlanes(options.image, options.format, work.width, work.height);
  let blurred: Planes | undefined;
  let mixed: Planes | undefined;
  if (path.at(0).blur > 0) {
    blurred = clonePlanes(sharp);
    const radius = Math.max(1, Math.round(width / 160));
    blurPlane(blurred.y, work.width, work.height, radius);
    blurPlane(blurred.u, work.width / 2, work.height / 2, Math.max(1, radius >> 1));
    blurPlane(blurred.v, work.width / 2, work.height / 2, Math.max(1, radius >> 1));
    mixed = clonePlanes(sharp);
  }

  const frames = Math.round(options.durationSeconds * fps);
  const frameSize = (width * height * 3) / 2;
  const { ffmpeg, env } = findFfmpeg();
  // prettier-ignore
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'image2pipe', '-frame_size', String(frameSize), '-framerate', String(fps),
    '-c:v', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-i', '-',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-r', String(fps),
    '-movflags', '+faststart', '-an', '-f', 'mp4', options.outFile,
  ];
  const child = spawn(ffmpeg, args, { env, stdio: ['pipe', 'ignore', 'pipe'], signal: options.signal });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg failed (exit ${code}): ${stderr.trim().slice(-500)}`))));
  });
  exited.catch(() => {}); // observed below; avoid an unhandled rejection while frames are still being written
  child.stdin.on('error', () => {}); // ffmpeg dying shows in its exit code

  const cw = width / 2;
  const ch = height / 2;
  for (let n = 0; n < frames; n++) {
    if (child.exitCode !== null || child.killed) break;
    const state = path.at(frames === 1 ? 1 : n / (frames - 1));
    let source = sharp;
    if (blurred && mixed && state.blur > 0) {
      mixPlanes(sharp.y, blurred.y, state.blur, mixed.y);
      mixPlanes(sharp.u, blurred.u, state.blur, mixed.u);
      mixPlanes(sharp.v, blurred.v, state.blur, mixed.v);
      source = mixed;
    }
    const win = windowAt(state, work, path.headroom, { width, height });
    const frame = Buffer.allocUnsafe(frameSize);
    const out = splitPlanes(frame, width, height);
    samplePlane(source.y, work.width, work.height, win.x, win.y, win.scale, out.y, width, height);
    samplePlane(source.u, work.width / 2, work.height / 2, win.x / 2, win.y / 2, win.scale, out.u, cw, ch);
    samplePlane(source.v, work.width / 2, work.height / 2, win.x / 2, win.y / 2, win.scale, out.v, cw, ch);
    if (!child.stdin.write(frame)) await Promise.race([once(child.stdin, 'drain'), exited.catch(() => {})]);
  }
  child.stdin.end();
  await exited;
  return { frames };
}
