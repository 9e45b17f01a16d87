import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { renderMotionClip } from '../../local/ltx/render-motion-clip';
import { estimateLambdaRender, framesPerLambdaFor, lambdaCostUsd } from '../../shared/domain/lambda-render-plan';
import { VIDEO_FORMAT_SPECS, renderSizeFor, type ClipOrientation, type VideoFormat } from '../../shared/domain/video-formats';
import { durationInFramesFor } from '../../shared/domain/video-template-timeline';
import { serveFile } from '../../test/helpers/serve-file';
import { runVariant } from './run-variant';
import { parseVariant } from './variants';

export interface FormatTimesInput {
  serveUrl: string;
  formats: VideoFormat[];
  /** 1 for the delivered sizes; smaller for a quick look. */
  scale: number;
  fps: number;
  seconds: number;
  repeats: number;
  outDir: string;
  log?: (line: string) => void;
}

export interface FormatTimeRow {
  format: VideoFormat;
  size: string;
  seconds: number;
  cpuSeconds: number;
  cpuMsPerFrame: number;
  /** Wall and CPU time over 16:9's (or the first format's when 16:9 is not measured), medians of the same run. */
  vsFirst: number;
  cpuVsFirst: number;
  /** Pixels over the first format's: what the time would be if it scaled with pixels alone. */
  pixelsVsFirst: number;
  /** The Lambda plan at this size for this length: functions, expected wall time and cost (shared/domain/lambda-render-plan.ts). */
  lambdaSplit: string;
  lambdaWallSeconds: number;
  lambdaCostUsd: number;
  loadAverage: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * The production template rendered in every asked format, side by side in one run (rounds rotate the
 * order so a burst of load elsewhere hits them alike): each format from the clip of its orientation,
 * as the LTX stand-in makes it for a default job (dolly in), at the format's delivered size times
 * `scale`. Also writes each format's poster to `outDir/poster-{slug}.jpg`: the stills the README's
 * screenshots can be taken from.
 */
export async function measureFormatTimes(input: FormatTimesInput): Promise<FormatTimeRow[]> {
  const log = input.log ?? (() => {});
  const { fps, seconds, scale, outDir } = input;
  const frames = durationInFramesFor(seconds, fps);
  const image = await readFile('remotion/public/sample/villa.jpg');
  const clips = new Map<ClipOrientation, Awaited<ReturnType<typeof serveFile>>>();
  for (const format of input.formats) {
    const orientation = VIDEO_FORMAT_SPECS[format].orientation;
    if (clips.has(orientation)) continue;
    const size = renderSizeFor(orientation === 'landscape' ? '16:9' : '9:16', scale);
    const file = path.join(outDir, `clip-${orientation}-${size.width}x${size.height}-${seconds}s-${fps}.mp4`);
    await renderMotionClip({ image, format: 'jpeg', width: size.width, height: size.height, fps, durationSeconds: seconds, motion: 'dolly_in', outFile: file });
    clips.set(orientation, await serveFile(file, 'video/mp4'));
  }
  const variant = parseVariant('today+chosen');
  const runs = new Map<VideoFormat, Array<{ seconds: number; cpuSeconds: number | null; load: number }>>();
  try {
    for (let round = 0; round < input.repeats; round++) {
      for (let i = 0; i < input.formats.length; i++) {
        const format = input.formats[(i + round) % input.formats.length]!;
        const { width, height } = renderSizeFor(format, scale);
        const slug = VIDEO_FORMAT_SPECS[format].slug;
        const load = loadavg()[0]!;
        const posterFile = path.join(outDir, `poster-${slug}.jpg`);
        const result = await runVariant({
          serveUrl: input.serveUrl,
          variant,
          clipUrl: clips.get(VIDEO_FORMAT_SPECS[format].orientation)!.url,
          width,
          height,
          fps,
          seconds,
          format,
          videoFile: path.join(outDir, `format-${slug}.mp4`),
          posterFile,
        });
        runs.set(format, [...(runs.get(format) ?? []), { ...result, load }]);
        log(JSON.stringify({ round, format, size: `${width}x${height}`, seconds: Number(result.seconds.toFixed(1)), cpuSeconds: result.cpuSeconds, load: Number(load.toFixed(1)) }));
      }
    }
  } finally {
    for (const c of clips.values()) await c.close();
  }

  const first = input.formats.includes('16:9') ? '16:9' : input.formats[0]!;
  const wallOf = (f: VideoFormat) => median(runs.get(f)!.map((r) => r.seconds));
  const cpuOf = (f: VideoFormat) => (runs.get(f)!.every((r) => r.cpuSeconds !== null) ? median(runs.get(f)!.map((r) => r.cpuSeconds!)) : NaN);
  const pixels = (f: VideoFormat) => VIDEO_FORMAT_SPECS[f].width * VIDEO_FORMAT_SPECS[f].height;
  return input.formats.map((format) => {
    const { width, height } = renderSizeFor(format, scale);
    const spec = VIDEO_FORMAT_SPECS[format];
    // The Lambda plan at the delivered size: what AWS would run for this format.
    const shape = { durationInFrames: frames, width: spec.width, height: spec.height };
    const estimate = estimateLambdaRender(shape, framesPerLambdaFor(shape));
    const wall = wallOf(format);
    const cpu = cpuOf(format);
    return {
      format,
      size: `${width}x${height}`,
      seconds: round(wall, 1),
      cpuSeconds: round(cpu, 1),
      cpuMsPerFrame: Math.round((cpu * 1000) / frames),
      vsFirst: round(wall / wallOf(first), 2),
      cpuVsFirst: round(cpu / cpuOf(first), 2),
      pixelsVsFirst: round(pixels(format) / pixels(first), 2),
      lambdaSplit: `${estimate.lambdas} x ${estimate.framesPerLambda} frames`,
      lambdaWallSeconds: round(estimate.wallSeconds, 1),
      lambdaCostUsd: round(lambdaCostUsd(estimate), 4),
      loadAverage: round(median(runs.get(format)!.map((r) => r.load)), 1),
    };
  });
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));
