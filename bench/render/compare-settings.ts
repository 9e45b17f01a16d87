import path from 'node:path';
import { bundle } from '@remotion/bundler';
import { comparePictures, type PictureDiff } from './picture-diff';
import { renderFfmpegReference } from './ffmpeg-reference';
import { renderTitleCardPng, runVariant } from './run-variant';
import { BENCH_COMPOSITIONS } from './template/ids';
import { parseVariant, TODAY } from './variants';

/** The bench's own bundle (template/root.tsx): the production composition beside today's and the title card alone. */
export function bundleBenchTemplate(): Promise<string> {
  return bundle({ entryPoint: path.resolve('bench/render/template/index.ts'), publicDir: path.resolve('remotion/public'), rootDir: process.cwd() });
}

export interface SettingsRun {
  seconds: number;
  fps: number;
  /** CPU seconds of this process and its children (Chromium, FFmpeg, compositor); null off Linux. */
  cpuSeconds: number | null;
}

export interface SettingsComparison {
  frames: number;
  /** The product's settings: production composition (@remotion/media <Video>) and shared/domain/render-settings.ts. */
  chosen: SettingsRun;
  /** Before this work: <OffthreadVideo> and Remotion's defaults (JPEG 80, x264 medium, CRF 18). */
  today: SettingsRun;
  ffmpegReferenceSeconds: number;
  ffmpegReferenceCpuSeconds: number | null;
  /** chosen.seconds / ffmpegReferenceSeconds (the bound: at most 5). */
  ratioToFfmpeg: number;
  todayRatioToFfmpeg: number;
  /**
   * The same ratios in CPU seconds: on a shared machine FFmpeg's threads wait for cores like
   * everyone else's, so wall-time ratios move with the load; CPU time moves far less.
   */
  cpuRatioToFfmpeg: number | null;
  todayCpuRatioToFfmpeg: number | null;
  /** today.seconds / chosen.seconds. */
  speedup: number;
  /** The chosen settings' video against today's, frame by frame. */
  picture: PictureDiff;
}

export interface CompareSettingsInput {
  ffmpeg: string;
  /** The clip as a file (the FFmpeg reference reads it) and as a URL (the template fetches it, as from S3). */
  clipFile: string;
  clipUrl: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  outDir: string;
  title?: string;
  subtitle?: string;
  musicFile?: string;
  log?: (line: string) => void;
}

/**
 * The template rendered on one clip with today's settings and with the chosen ones, and the same
 * video made by plain FFmpeg, one after the other in the same run (so the load on a shared machine
 * hits them alike as far as it can); the two renders compared frame by frame (SSIM, PSNR).
 */
export async function compareRenderSettings(input: CompareSettingsInput): Promise<SettingsComparison> {
  const log = input.log ?? (() => {});
  const { width, height, fps, seconds, outDir } = input;
  const frames = Math.round(seconds * fps);
  const serveUrl = await bundleBenchTemplate();
  const props = { title: input.title, subtitle: input.subtitle, musicFile: input.musicFile };
  const titlePng = path.join(outDir, 'title-card.png');
  await renderTitleCardPng({ serveUrl, composition: BENCH_COMPOSITIONS.titleCard, width, height, fps, seconds, out: titlePng, title: input.title, subtitle: input.subtitle });
  const music = path.resolve('remotion/public/music', input.musicFile ?? 'ocean-breeze.mp3');
  const reference = await renderFfmpegReference({ ffmpeg: input.ffmpeg, clip: input.clipFile, titlePng, music, out: path.join(outDir, 'ffmpeg-reference.mp4'), width, height, fps, seconds });
  log(`ffmpeg reference: ${reference.seconds.toFixed(1)} s, ${reference.cpuSeconds?.toFixed(1)} CPU s`);
  const run = async (variant: typeof TODAY, name: string): Promise<SettingsRun> => {
    const r = await runVariant({ serveUrl, variant, clipUrl: input.clipUrl, width, height, fps, seconds, videoFile: path.join(outDir, `${name}.mp4`), posterFile: path.join(outDir, `${name}.jpg`), ...props });
    log(`${name} settings: ${r.seconds.toFixed(1)} s, ${r.cpuSeconds?.toFixed(1)} CPU s`);
    return { seconds: r.seconds, fps: frames / r.seconds, cpuSeconds: r.cpuSeconds };
  };
  const chosen = await run(parseVariant('today+chosen'), 'chosen');
  const today = await run(TODAY, 'today');
  const picture = await comparePictures(input.ffmpeg, path.join(outDir, 'chosen.mp4'), path.join(outDir, 'today.mp4'));
  return {
    frames,
    chosen,
    today,
    ffmpegReferenceSeconds: reference.seconds,
    ffmpegReferenceCpuSeconds: reference.cpuSeconds,
    ratioToFfmpeg: chosen.seconds / reference.seconds,
    todayRatioToFfmpeg: today.seconds / reference.seconds,
    cpuRatioToFfmpeg: cpuRatio(chosen.cpuSeconds, reference.cpuSeconds),
    todayCpuRatioToFfmpeg: cpuRatio(today.cpuSeconds, reference.cpuSeconds),
    speedup: today.seconds / chosen.seconds,
    picture,
  };
}

const cpuRatio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);
