import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffprobePath } from './ffmpeg-binaries';

const run = promisify(execFile);

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  sample_rate?: string;
  channels?: number;
}

/**
 * Streams and duration of a media file, by the ffprobe inside Remotion's compositor package (no
 * system FFmpeg). Node-only: never import this from the composition.
 */
export async function probeMedia(file: string): Promise<{ streams: ProbedStream[]; durationSeconds: number; formatName: string }> {
  const { stdout } = await run(ffprobePath(), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  const parsed = JSON.parse(stdout) as { streams: ProbedStream[]; format: { duration?: string; format_name: string } };
  return { streams: parsed.streams, durationSeconds: Number(parsed.format.duration ?? NaN), formatName: parsed.format.format_name };
}
