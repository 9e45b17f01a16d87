import { openBrowser, renderMedia, renderStill, selectComposition } from '@remotion/renderer';
import { remotionBrowserOptions, resolveBrowserExecutable } from '../../remotion/browser-executable';
import { durationInFramesFor, posterFrame } from '../../shared/domain/video-template-timeline';
import type { VideoFormat } from '../../shared/domain/video-formats';
import { trackTreeCpu } from './process-cpu';
import type { RenderVariant } from './variants';

export interface VariantRun {
  /** selectComposition + renderMedia + the poster still, as the pipeline's render stage does them; browser start excluded. */
  seconds: number;
  /** CPU seconds of this process and its children (Chromium, FFmpeg, compositor) over the same span; null off Linux. */
  cpuSeconds: number | null;
}

export interface RunVariantInput {
  serveUrl: string;
  variant: RenderVariant;
  clipUrl: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  videoFile: string;
  posterFile: string;
  title?: string;
  subtitle?: string;
  musicFile?: string;
  /** The layout rendered; `width` x `height` must have its shape. Default 16:9. */
  format?: VideoFormat;
}

/** Renders one variant with Remotion's own API in a fresh browser, the way LocalRemotionRenderer does. */
export async function runVariant(input: RunVariantInput): Promise<VariantRun> {
  const { variant } = input;
  const browserOptions = { ...remotionBrowserOptions(variant.browserExecutable), chromiumOptions: variant.chromiumOptions };
  const browser = await openBrowser('chrome', { ...browserOptions, logLevel: 'error' });
  try {
    const inputProps = {
      clipUrl: input.clipUrl,
      title: input.title ?? 'Villa Serena',
      subtitle: input.subtitle ?? 'Sea views · Infinity pool · Five bedrooms',
      musicFile: input.musicFile ?? 'ocean-breeze.mp3',
      clipDurationSeconds: input.seconds,
      format: input.format ?? '16:9',
    };
    const cpu = trackTreeCpu();
    const started = performance.now();
    const selected = await selectComposition({ serveUrl: input.serveUrl, id: variant.composition, inputProps, puppeteerInstance: browser, ...browserOptions, logLevel: 'error' });
    const durationInFrames = durationInFramesFor(input.seconds, input.fps);
    const composition = { ...selected, width: input.width, height: input.height, fps: input.fps, durationInFrames };
    await renderMedia({
      serveUrl: input.serveUrl,
      composition,
      inputProps,
      codec: 'h264',
      audioCodec: 'aac',
      enforceAudioTrack: true,
      outputLocation: input.videoFile,
      puppeteerInstance: browser,
      ...browserOptions,
      logLevel: 'error',
      ...variant.options,
      concurrency: variant.options.concurrency ?? null,
    });
    await renderStill({
      serveUrl: input.serveUrl,
      composition,
      inputProps,
      frame: posterFrame(durationInFrames, input.fps),
      output: input.posterFile,
      imageFormat: 'jpeg',
      jpegQuality: 86,
      puppeteerInstance: browser,
      ...browserOptions,
      logLevel: 'error',
    });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, cpuSeconds: cpu.stop() };
  } finally {
    await browser.close({ silent: true }).catch(() => {});
  }
}

/** The title card alone at the poster frame, transparent around it: the FFmpeg reference overlays it. */
export async function renderTitleCardPng(input: { serveUrl: string; composition: string; width: number; height: number; fps: number; seconds: number; out: string; title?: string; subtitle?: string }): Promise<void> {
  const browserOptions = remotionBrowserOptions(resolveBrowserExecutable(undefined));
  const browser = await openBrowser('chrome', { ...browserOptions, logLevel: 'error' });
  try {
    const inputProps = { clipUrl: '', title: input.title ?? 'Villa Serena', subtitle: input.subtitle ?? 'Sea views · Infinity pool · Five bedrooms', musicFile: 'ocean-breeze.mp3', clipDurationSeconds: input.seconds, format: '16:9' };
    const selected = await selectComposition({ serveUrl: input.serveUrl, id: input.composition, inputProps, puppeteerInstance: browser, ...browserOptions, logLevel: 'error' });
    const durationInFrames = durationInFramesFor(input.seconds, input.fps);
    const composition = { ...selected, width: input.width, height: input.height, fps: input.fps, durationInFrames };
    await renderStill({ serveUrl: input.serveUrl, composition, inputProps, frame: posterFrame(durationInFrames, input.fps), output: input.out, imageFormat: 'png', puppeteerInstance: browser, ...browserOptions, logLevel: 'error' });
  } finally {
    await browser.close({ silent: true }).catch(() => {});
  }
}
