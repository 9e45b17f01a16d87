import type { ChromiumOptions, RenderMediaOptions, X264Preset } from '@remotion/renderer';
import { VIDEO_ENCODING } from '../../shared/domain/render-settings';
import { BENCH_COMPOSITIONS } from './template/ids';

/**
 * One way of rendering the template, for side-by-side measurement: which composition (how the clip
 * is drawn), which browser binary, which clip encoding and which `renderMedia` options.
 */
export interface RenderVariant {
  name: string;
  composition: string;
  /** The Chromium executable; Debian's /usr/bin/chromium is a shell wrapper that adds its own flags. */
  browserExecutable: string;
  chromiumOptions: ChromiumOptions;
  /** The clip as LTX sent it, or re-encoded first (see clip-encodings.ts). */
  clip: ClipEncoding;
  options: Partial<Pick<RenderMediaOptions, 'imageFormat' | 'jpegQuality' | 'x264Preset' | 'crf' | 'concurrency' | 'offthreadVideoCacheSizeInBytes' | 'offthreadVideoThreads' | 'mediaCacheSizeInBytes'>>;
}

export type ClipEncoding = 'as-sent' | 'keyframe-every-second' | 'all-keyframes';

/** Today's render, before this work: `<OffthreadVideo>`, Debian's wrapper, Remotion's defaults (JPEG 80, x264 medium, CRF 18, half the cores). */
export const TODAY: RenderVariant = {
  name: 'today',
  composition: BENCH_COMPOSITIONS.offthread,
  browserExecutable: '/usr/bin/chromium',
  chromiumOptions: {},
  clip: 'as-sent',
  options: {},
};

/**
 * Modifiers, applied left to right on top of `today`: a variant is written `today+media+veryfast`,
 * so any combination can be measured from the command line (`npm run bench:render -- --variants ...`).
 */
const MODIFIERS: Record<string, (v: RenderVariant) => RenderVariant> = {
  /** What the product renders with now: the production composition and shared/domain/render-settings.ts. */
  chosen: (v) => ({ ...v, composition: BENCH_COMPOSITIONS.production, options: { ...v.options, imageFormat: VIDEO_ENCODING.imageFormat, jpegQuality: VIDEO_ENCODING.jpegQuality, x264Preset: VIDEO_ENCODING.x264Preset, crf: VIDEO_ENCODING.crf } }),
  /** The production composition: remotion/villa-video.tsx, which draws the clip with @remotion/media's <Video>. */
  production: (v) => ({ ...v, composition: BENCH_COMPOSITIONS.production }),
  offthread: (v) => ({ ...v, composition: BENCH_COMPOSITIONS.offthread }),
  html5: (v) => ({ ...v, composition: BENCH_COMPOSITIONS.html5 }),
  /** The Chromium binary itself, without the Debian wrapper's default flags (it adds --enable-gpu-rasterization). */
  direct: (v) => ({ ...v, browserExecutable: '/usr/lib/chromium/chromium' }),
  'multi-process-off': (v) => ({ ...v, chromiumOptions: { ...v.chromiumOptions, enableMultiProcessOnLinux: false } }),
  png: (v) => ({ ...v, options: { ...v.options, imageFormat: 'png' } }),
  gop1s: (v) => ({ ...v, clip: 'keyframe-every-second' }),
  intra: (v) => ({ ...v, clip: 'all-keyframes' }),
};

const PARAMETRIC: Array<[RegExp, (v: RenderVariant, value: string) => RenderVariant]> = [
  [/^gl=(.+)$/, (v, gl) => ({ ...v, chromiumOptions: { ...v.chromiumOptions, gl: gl === 'null' ? null : (gl as ChromiumOptions['gl']) } })],
  [/^q(\d+)$/, (v, q) => ({ ...v, options: { ...v.options, imageFormat: 'jpeg', jpegQuality: Number(q) } })],
  [/^crf(\d+)$/, (v, crf) => ({ ...v, options: { ...v.options, crf: Number(crf) } })],
  [/^c(\d+)$/, (v, c) => ({ ...v, options: { ...v.options, concurrency: Number(c) } })],
  [/^threads(\d+)$/, (v, t) => ({ ...v, options: { ...v.options, offthreadVideoThreads: Number(t) } })],
  [/^cache(\d+)$/, (v, mb) => ({ ...v, options: { ...v.options, offthreadVideoCacheSizeInBytes: Number(mb) * 2 ** 20, mediaCacheSizeInBytes: Number(mb) * 2 ** 20 } })],
  [/^(ultrafast|superfast|veryfast|faster|fast|medium|slow)$/, (v, preset) => ({ ...v, options: { ...v.options, x264Preset: preset as X264Preset } })],
];

/** `today+media+veryfast+c2` → the variant; throws on an unknown word so typos do not measure `today`. */
export function parseVariant(spec: string): RenderVariant {
  const [base, ...words] = spec.split('+');
  if (base !== 'today') throw new Error(`a variant starts with "today", got "${spec}"`);
  let variant: RenderVariant = { ...TODAY, name: spec };
  for (const word of words) {
    const modifier = MODIFIERS[word];
    if (modifier) {
      variant = modifier(variant);
      continue;
    }
    const parametric = PARAMETRIC.find(([pattern]) => pattern.test(word));
    if (!parametric) throw new Error(`unknown variant word "${word}" in "${spec}"; known: ${Object.keys(MODIFIERS).join(', ')}, gl=..., qNN, crfNN, cN, threadsN, cacheMB, x264 presets`);
    variant = parametric[1](variant, parametric[0].exec(word)![1]!);
  }
  return { ...variant, name: spec };
}
