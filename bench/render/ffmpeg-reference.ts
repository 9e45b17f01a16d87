import { musicFades, titleTimeline } from '../../shared/domain/video-template-timeline';
import { trackTreeCpu } from './process-cpu';
import { runFfmpeg } from './system-ffmpeg';

export interface FfmpegReferenceInput {
  ffmpeg: string;
  clip: string;
  /** The title card alone, transparent around the text (a still of the template's title layer). */
  titlePng: string;
  music: string;
  out: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
}

/**
 * The yardstick: the same video made by plain FFmpeg, no browser. The LTX clip, the title card
 * faded in and out on the template's own timeline, a fade from and to black, the music looped at
 * the template's volume with its fades, libx264 CRF 18 preset medium and AAC (Remotion's defaults
 * for H.264). What a hand-written FFmpeg pipeline would cost; the template's animation (the title's
 * rise and letter spacing) is not reproduced, only its cost class.
 */
export async function renderFfmpegReference(input: FfmpegReferenceInput): Promise<{ seconds: number; cpuSeconds: number | null }> {
  const { fps, seconds } = input;
  const frames = Math.round(seconds * fps);
  const t = titleTimeline(frames, fps);
  const { fadeIn, fadeOut } = musicFades(frames, fps);
  const fadeFrames = Math.max(1, Math.round(Math.min(0.4 * fps, frames * 0.06)));
  const s = (f: number) => (f / fps).toFixed(3);
  const filter = [
    `[1:v]format=rgba,fade=t=in:st=${s(t.enterStart)}:d=${s(t.enterEnd - t.enterStart)}:alpha=1,fade=t=out:st=${s(t.exitStart)}:d=${s(t.exitEnd - t.exitStart)}:alpha=1[title]`,
    `[0:v]scale=${input.width}:${input.height}[clip]`,
    `[clip][title]overlay=format=auto:shortest=1,fade=t=in:st=0:d=${s(fadeFrames)},fade=t=out:st=${s(frames - fadeFrames)}:d=${s(fadeFrames)},format=yuv420p[v]`,
    `[2:a]volume=0.7,afade=t=in:st=0:d=${s(fadeIn)},afade=t=out:st=${s(frames - fadeOut)}:d=${s(fadeOut)}[a]`,
  ].join(';');
  const cpu = trackTreeCpu();
  const started = performance.now();
  // prettier-ignore
  await runFfmpeg(input.ffmpeg, [
    '-y', '-i', input.clip,
    '-loop', '1', '-framerate', String(fps), '-i', input.titlePng,
    '-stream_loop', '-1', '-i', input.music,
    '-filter_complex', filter, '-map', '[v]', '-map', '[a]',
    '-t', String(seconds), '-r', String(fps),
    '-c:v', 'libx264', '-preset', 'medium', '-crf', '18', '-c:a', 'aac', '-movflags', '+faststart',
    input.out,
  ]);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpu.stop() };
}
