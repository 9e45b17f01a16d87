/**
 * `npm run bench:render`: the template rendered several ways side by side on the same clip, to find
 * the fastest way that gives the same picture. Faster than `npm run bench` (no stack, short clip by
 * default); the figures that count come from `npm run bench`, which renders today's and the chosen
 * settings at full length.
 *
 *   npm run bench:render -- --variants today,today+chosen,today+chosen+png,today+chosen+c2 --repeats 3 --seconds 2
 *
 * With `--formats`, it renders the production template in each format instead, side by side, and
 * reports each one's time beside 16:9's (what one more format adds to a job), with the Lambda split
 * and cost the plan gives each; each format's poster is left in the output folder as
 * `poster-{16x9,9x16,4x5,1x1}.jpg` (`--scale 0.5` for a quicker, smaller look):
 *
 *   npm run bench:render -- --formats 16:9,9:16,4:5,1:1 --repeats 2 --seconds 2
 *
 * Variants are written as modifiers on `today` (bench/render/variants.ts). Rounds alternate the
 * variants (rotating the order each round) so a burst of load elsewhere hits them alike; medians are
 * reported, wall seconds and CPU seconds (this process and its children), with SSIM/PSNR of each
 * variant's video against the first variant's.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderMotionClip } from '../local/ltx/render-motion-clip';
import { durationInFramesFor } from '../shared/domain/video-template-timeline';
import { serveFile } from '../test/helpers/serve-file';
import { encodeClip } from './render/clip-encodings';
import { bundleBenchTemplate } from './render/compare-settings';
import { comparePictures, type PictureDiff } from './render/picture-diff';
import { renderFfmpegReference } from './render/ffmpeg-reference';
import { renderTitleCardPng, runVariant } from './render/run-variant';
import { BENCH_COMPOSITIONS } from './render/template/ids';
import { ensureSystemFfmpeg } from './render/system-ffmpeg';
import { parseVariant, type ClipEncoding } from './render/variants';
import { measureFormatTimes } from './render/format-times';
import { parseFormatList } from '../shared/domain/video-formats';
import { BUILTIN_JOB_DEFAULTS } from '../shared/domain/job-options';
import { LTX_PRICES_USD_PER_SECOND, ltxCostAddedPerFormat } from '../shared/domain/ltx/ltx-prices';

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: 'today,today+chosen' },
    repeats: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '2' },
    width: { type: 'string', default: '1920' },
    height: { type: 'string', default: '1080' },
    fps: { type: 'string', default: '25' },
    out: { type: 'string', default: '.local/bench-render' },
    'ffmpeg-reference': { type: 'boolean', default: true },
    formats: { type: 'string' },
    scale: { type: 'string', default: '1' },
  },
});
const width = Number(values.width);
const height = Number(values.height);
const fps = Number(values.fps);
const seconds = Number(values.seconds);
const repeats = Number(values.repeats);
const outDir = path.resolve(values.out);
const variants = values.variants.split(',').map((spec) => parseVariant(spec.trim()));
const frames = durationInFramesFor(seconds, fps);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

await mkdir(outDir, { recursive: true });
if (values.formats !== undefined) {
  const formats = parseFormatList(values.formats);
  const scale = Number(values.scale);
  const times = await measureFormatTimes({ serveUrl: await bundleBenchTemplate(), formats, scale, fps, seconds, repeats, outDir, log: (line) => console.log(line) });
  // The money side of one more format: the LTX seconds it adds to a default job (the built-in models,
  // 6 s), in the order the formats were given; a format cut from a clip already paid for adds none.
  const ltxJob = { ...BUILTIN_JOB_DEFAULTS, formats };
  const ltxAdded = ltxCostAddedPerFormat(ltxJob, LTX_PRICES_USD_PER_SECOND);
  const rows = times.map((row) => {
    const added = ltxAdded.find((a) => a.format === row.format);
    return { ...row, ltxSecondsAdded: added?.seconds ?? 0, ltxUsdAdded: added?.usd ?? 0 };
  });
  console.log(`\n${frames} frames per format at ${fps} fps, ${scale === 1 ? 'delivered sizes' : `scale ${scale}`}; ${repeats} rounds; medians; posters in ${outDir}/poster-*.jpg`);
  console.log(`LTX added per format: a default ${ltxJob.duration} s job (${ltxJob.model} landscape, ${ltxJob.portraitModel} portrait), formats in canonical order`);
  console.table(rows);
  await writeFile(path.join(outDir, 'formats.json'), JSON.stringify({ at: new Date().toISOString(), fps, seconds, scale, repeats, rows }, null, 2));
  process.exit(0);
}
const ffmpeg = ensureSystemFfmpeg();
// The clip as the LTX stand-in makes it for a default job (dolly in), at the output size.
const clip = path.join(outDir, `clip-${width}x${height}-${seconds}s-${fps}.mp4`);
await renderMotionClip({ image: await readFile('remotion/public/sample/villa.jpg'), format: 'jpeg', width, height, fps, durationSeconds: seconds, motion: 'dolly_in', outFile: clip });
const clips = new Map<ClipEncoding, { url: string; close: () => Promise<void>; encodeSeconds: number }>();
for (const encoding of new Set(variants.map((v) => v.clip))) {
  const encoded = await encodeClip(clip, encoding, clip.replace(/\.mp4$/, `-${encoding}.mp4`), fps);
  const served = await serveFile(encoded.file, 'video/mp4');
  clips.set(encoding, { ...served, encodeSeconds: encoded.seconds });
}
const serveUrl = await bundleBenchTemplate();

const titlePng = path.join(outDir, 'title-card.png');
if (values['ffmpeg-reference']) await renderTitleCardPng({ serveUrl, composition: BENCH_COMPOSITIONS.titleCard, width, height, fps, seconds, out: titlePng });
const runs = new Map<string, Array<{ seconds: number; cpuSeconds: number | null; load: number }>>();
const referenceRuns: number[] = [];
for (let round = 0; round < repeats; round++) {
  if (values['ffmpeg-reference']) {
    const ref = await renderFfmpegReference({ ffmpeg, clip, titlePng, music: path.resolve('remotion/public/music/ocean-breeze.mp3'), out: path.join(outDir, 'ffmpeg-reference.mp4'), width, height, fps, seconds });
    referenceRuns.push(ref.seconds);
    console.log(JSON.stringify({ round, variant: 'ffmpeg reference', seconds: Number(ref.seconds.toFixed(1)), cpuSeconds: ref.cpuSeconds }));
  }
  for (let i = 0; i < variants.length; i++) {
    const variant = variants[(i + round) % variants.length]!;
    const load = loadavg()[0]!;
    const result = await runVariant({
      serveUrl,
      variant,
      clipUrl: clips.get(variant.clip)!.url,
      width,
      height,
      fps,
      seconds,
      videoFile: path.join(outDir, `${variants.indexOf(variant)}.mp4`),
      posterFile: path.join(outDir, `${variants.indexOf(variant)}.jpg`),
    });
    runs.set(variant.name, [...(runs.get(variant.name) ?? []), { ...result, load }]);
    console.log(JSON.stringify({ round, variant: variant.name, seconds: Number(result.seconds.toFixed(1)), cpuSeconds: result.cpuSeconds, load: Number(load.toFixed(1)) }));
  }
}

const diffs: Array<PictureDiff | null> = [];
for (let i = 0; i < variants.length; i++) {
  diffs.push(i === 0 ? null : await comparePictures(ffmpeg, path.join(outDir, `${i}.mp4`), path.join(outDir, '0.mp4')));
}
const rows = variants.map((variant, i) => {
  const r = runs.get(variant.name)!;
  const wall = median(r.map((x) => x.seconds));
  const cpu = r.every((x) => x.cpuSeconds !== null) ? median(r.map((x) => x.cpuSeconds!)) : NaN;
  const d = diffs[i];
  return {
    variant: variant.name,
    seconds: Number(wall.toFixed(1)),
    fps: Number((frames / wall).toFixed(2)),
    cpuSeconds: Number(cpu.toFixed(1)),
    cpuMsPerFrame: Math.round((cpu * 1000) / frames),
    vsFirst: Number((wall / median(runs.get(variants[0]!.name)!.map((x) => x.seconds))).toFixed(2)),
    vsFfmpeg: referenceRuns.length > 0 ? Number((wall / median(referenceRuns)).toFixed(1)) : null,
    clipReencodeSeconds: Number(clips.get(variant.clip)!.encodeSeconds.toFixed(1)),
    ssim: d ? Number(d.ssim.toFixed(5)) : 1,
    minSsim: d ? Number(d.minSsim.toFixed(5)) : 1,
    psnr: d ? (Number.isFinite(d.psnr) ? Number(d.psnr.toFixed(2)) : 'identical') : 'reference',
    loadAverage: Number(median(r.map((x) => x.load)).toFixed(1)),
  };
});
console.log(`\n${frames} frames at ${width}x${height}, ${fps} fps; ${repeats} rounds; medians; FFmpeg reference ${referenceRuns.length > 0 ? `${median(referenceRuns).toFixed(1)} s` : 'not run'}`);
console.table(rows);
await writeFile(path.join(outDir, 'results.json'), JSON.stringify({ at: new Date().toISOString(), width, height, fps, seconds, repeats, ffmpegReferenceSeconds: referenceRuns, rows, runs: Object.fromEntries(runs) }, null, 2));
for (const c of clips.values()) await c.close();
process.exit(0);
