import { findFfmpeg } from '../../../local/ltx/ffmpeg-binaries';
import { runProcess } from '../../../local/ltx/run-process';

export interface VideoProbe {
  formatName: string;
  duration: number;
  streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string; r_frame_rate?: string; nb_frames?: string }>;
}

/** ffprobe's view of an MP4 in memory. */
export async function probeVideo(mp4: Uint8Array): Promise<VideoProbe> {
  const { ffprobe, env } = findFfmpeg();
  const out = await runProcess(ffprobe, ['-hide_banner', '-loglevel', 'error', '-show_format', '-show_streams', '-of', 'json', '-i', '-'], {
    env,
    input: mp4,
    maxOutputBytes: 1_000_000,
  });
  const json = JSON.parse(out.toString()) as { format: { format_name: string; duration: string }; streams: VideoProbe['streams'] };
  return { formatName: json.format.format_name, duration: Number(json.format.duration), streams: json.streams };
}

/** Every frame's luma plane (decoded by the bundled FFmpeg), for comparing first and last frames. */
export async function lumaFrames(mp4: Uint8Array, width: number, height: number): Promise<Uint8Array[]> {
  const { ffmpeg, env } = findFfmpeg();
  const raw = await runProcess(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'mp4', '-i', '-', '-f', 'image2pipe', '-c:v', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    env,
    input: mp4,
    maxOutputBytes: 200_000_000,
  });
  const size = width * height;
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset + size <= raw.length; offset += size) frames.push(raw.subarray(offset, offset + size));
  return frames;
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Mean absolute horizontal gradient: high when sharp, low when blurred. */
export function sharpness(luma: Uint8Array, width: number): number {
  let sum = 0;
  for (let i = 1; i < luma.length; i++) if (i % width !== 0) sum += Math.abs(luma[i]! - luma[i - 1]!);
  return sum / luma.length;
}
