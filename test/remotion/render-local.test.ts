import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRemotionRenderer, bundleTemplate } from '../../remotion/render-local';
import { LIMITS } from '../../shared/domain/job-options';
import { SAFE_AREAS, safeRect, type PixelRect } from '../../shared/domain/safe-areas';
import { durationInFramesFor, posterFrame } from '../../shared/domain/video-template-timeline';
import { VIDEO_FORMATS, VIDEO_FORMAT_SPECS, renderSizeFor, type VideoFormat } from '../../shared/domain/video-formats';
import type { VillaVideoProps } from '../../shared/domain/video-template';
import type { RenderRequest } from '../../shared/ports/renderer';
import { blankPng } from '../helpers/image-bombs';
import { makeTestClip } from '../helpers/make-test-clip';
import { compareRegion, decodeRgb } from '../helpers/media-probe';
import { probeMedia } from '../../remotion/probe-media';
import { MemoryObjectStore } from '../helpers/memory-object-store';
import { serveFile } from '../helpers/serve-file';
import { openTemplateStills } from '../helpers/template-stills';

// One file for the template's real renders: the webpack bundle is made once per process (a worker per file).

const W = 320;
const H = 180;
const FPS = 25;

describe('LocalRemotionRenderer at 1/6 scale, 1 s', () => {
  let work: string;
  let renderTmp: string;
  let clip: string;
  let served: Awaited<ReturnType<typeof serveFile>>;
  /** The portrait clip 9:16, 4:5 and 1:1 are made from, at 1/6 of 1080x1920. */
  let portraitClip: string;
  let portrait: Awaited<ReturnType<typeof serveFile>>;
  const PORTRAIT = renderSizeFor('9:16', 1 / 6);
  let store: MemoryObjectStore;
  let renderer: LocalRemotionRenderer;

  const request = (overrides: Partial<RenderRequest> = {}): RenderRequest => ({
    jobId: 'job-1',
    props: { clipUrl: served.url, title: 'Villa Serena', subtitle: 'Sea views · Infinity pool', musicFile: 'ocean-breeze.mp3', clipDurationSeconds: 1, format: '16:9' },
    width: W,
    height: H,
    fps: FPS,
    bucket: store.bucket,
    videoKey: 'renders/u1/job-1.mp4',
    thumbnailKey: 'thumbnails/u1/job-1.jpg',
    ...overrides,
  });

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'render-local-test-'));
    renderTmp = path.join(work, 'render-tmp');
    await rm(renderTmp, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(renderTmp);
    clip = path.join(work, 'clip.mp4');
    await makeTestClip({ image: path.resolve('remotion/public/sample/villa-small.jpg'), out: clip, width: W, height: H, seconds: 1, fps: FPS });
    served = await serveFile(clip, 'video/mp4');
    portraitClip = path.join(work, 'portrait.mp4');
    await makeTestClip({ image: path.resolve('remotion/public/sample/villa-small.jpg'), out: portraitClip, width: PORTRAIT.width, height: PORTRAIT.height, seconds: 1, fps: FPS });
    portrait = await serveFile(portraitClip, 'video/mp4');
    store = new MemoryObjectStore();
    renderer = new LocalRemotionRenderer({ store, tmpDir: renderTmp });
  });

  afterAll(async () => {
    await renderer?.close();
    await served?.close();
    await portrait?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('renders an H.264 + AAC video as long as the clip and a 320x180 JPEG poster with the title drawn on it', async () => {
    const progress: number[] = [];
    const result = await renderer.render(request({ onProgress: (p) => progress.push(p) }));

    // The deliverables went through the store with their content types and the metadata a redelivery reads.
    const video = store.objects.get('renders/u1/job-1.mp4');
    const poster = store.objects.get('thumbnails/u1/job-1.jpg');
    expect(video?.contentType).toBe('video/mp4');
    expect(poster?.contentType).toBe('image/jpeg');
    expect(video?.metadata).toEqual({ width: '320', height: '180', 'duration-seconds': '1' });
    expect(result).toMatchObject({ videoKey: 'renders/u1/job-1.mp4', thumbnailKey: 'thumbnails/u1/job-1.jpg', width: W, height: H, durationSeconds: 1, sizeBytes: video?.body.length });
    expect(result.renderSeconds).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p) => p >= 0 && p <= 1)).toBe(true);
    // Temp files are gone.
    expect(await readdir(renderTmp)).toEqual([]);

    const videoFile = path.join(work, 'out.mp4');
    const posterFile = path.join(work, 'poster.jpg');
    await writeFile(videoFile, video!.body);
    await writeFile(posterFile, poster!.body);
    const media = await probeMedia(videoFile);
    const v = media.streams.find((s) => s.codec_type === 'video');
    const a = media.streams.find((s) => s.codec_type === 'audio');
    expect(v).toMatchObject({ codec_name: 'h264', width: W, height: H });
    expect(a).toMatchObject({ codec_name: 'aac' });
    expect(media.durationSeconds).toBeGreaterThan(0.95);
    expect(media.durationSeconds).toBeLessThan(1.15);
    const image = await probeMedia(posterFile);
    expect(image.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: W, height: H });

    // The poster is the clip's frame with the title and subtitle over it: compare it with the raw clip
    // at the same instant. The sky (top right) is left alone; the text block (lower left) is not.
    const frame = posterFrame(durationInFramesFor(1, FPS), FPS);
    const raw = await decodeRgb(clip, W, H, frame / FPS);
    const drawn = await decodeRgb(posterFile, W, H);
    const sky = compareRegion(drawn, raw, W, H, { x0: 0.62, y0: 0.02, x1: 0.98, y1: 0.3 });
    const text = compareRegion(drawn, raw, W, H, { x0: 0.06, y0: 0.55, x1: 0.6, y1: 0.92 });
    expect(sky.meanDiff).toBeLessThan(8);
    expect(text.meanDiff).toBeGreaterThan(25);
    expect(text.whiteA).toBeGreaterThan(text.whiteB + 60);
  });

  it.each([['9:16'], ['4:5'], ['1:1']] as Array<[VideoFormat]>)('renders %s at 1/6 scale from the portrait clip: its size, as long as the clip, with an AAC track and a poster of the same size', async (format) => {
    const { width, height } = renderSizeFor(format, 1 / 6);
    const slug = VIDEO_FORMAT_SPECS[format].slug;
    const videoKey = `renders/u1/job-1-${slug}.mp4`;
    const thumbnailKey = `thumbnails/u1/job-1-${slug}.jpg`;
    const result = await renderer.render(request({ props: { ...request().props, clipUrl: portrait.url, format }, width, height, videoKey, thumbnailKey }));
    expect(result).toMatchObject({ width, height, durationSeconds: 1 });

    const videoFile = path.join(work, `out-${slug}.mp4`);
    const posterFile = path.join(work, `poster-${slug}.jpg`);
    await writeFile(videoFile, store.objects.get(videoKey)!.body);
    await writeFile(posterFile, store.objects.get(thumbnailKey)!.body);
    const media = await probeMedia(videoFile);
    expect(media.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width, height });
    expect(media.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
    expect(media.durationSeconds).toBeGreaterThan(0.95);
    expect(media.durationSeconds).toBeLessThan(1.15);
    expect((await probeMedia(posterFile)).streams[0]).toMatchObject({ codec_name: 'mjpeg', width, height });

    // The framing: the frame shows the portrait clip's full width and its middle rows (CLIP_FOCAL_POINT,
    // the centre). Above the text, the poster matches the clip's centred rows far better than its top rows.
    const frame = posterFrame(durationInFramesFor(1, FPS), FPS);
    const raw = await decodeRgb(portraitClip, PORTRAIT.width, PORTRAIT.height, frame / FPS);
    const drawn = await decodeRgb(posterFile, width, height);
    const rows = (from: number) => raw.subarray(from * PORTRAIT.width * 3, (from + height) * PORTRAIT.width * 3);
    const centred = rows(Math.round((PORTRAIT.height - height) / 2));
    const region = { x0: 0.6, y0: 0.03, x1: 0.97, y1: 0.3 };
    const centre = compareRegion(drawn, centred, width, height, region);
    expect(centre.meanDiff, format).toBeLessThan(8);
    if (height < PORTRAIT.height) expect(compareRegion(drawn, rows(0), width, height, region).meanDiff, format).toBeGreaterThan(centre.meanDiff * 2);
  });

  it('refuses a size that is not the format\'s shape before rendering anything', async () => {
    const rendering = renderer.render(request({ props: { ...request().props, format: '9:16' }, videoKey: 'renders/u1/wrong.mp4' }));
    await expect(rendering).rejects.toMatchObject({ field: 'width', message: expect.stringContaining('props.format 9:16') });
    expect(store.objects.has('renders/u1/wrong.mp4')).toBe(false);
  });

  it('stops a render when the request is aborted, uploads nothing and leaves no temp files', async () => {
    const controller = new AbortController();
    const key = 'renders/u1/job-2.mp4';
    const rendering = renderer.render(request({ jobId: 'job-2', videoKey: key, thumbnailKey: 'thumbnails/u1/job-2.jpg', signal: controller.signal, onProgress: () => controller.abort() }));
    await expect(rendering).rejects.toMatchObject({ code: 'render_cancelled', message: 'render of job-2 was cancelled' });
    expect(store.objects.has(key)).toBe(false);
    expect(await readdir(renderTmp)).toEqual([]);
  });

  it('shares one bundle between renderer instances in the same process', async () => {
    const second = new LocalRemotionRenderer({ store });
    try {
      expect(bundleTemplate()).toBe(bundleTemplate());
      expect(typeof (await bundleTemplate())).toBe('string');
    } finally {
      await second.close();
    }
  });

  it('refuses an already aborted request before any work', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(renderer.render(request({ signal: controller.signal }))).rejects.toThrow(/abort/i);
  });
});

const SECONDS = 1;
const SCALE = 1 / 6;

/** The longest title and subtitle the upload accepts, in words, so they wrap as real ones do: the worst case for the top of the safe area. */
const fill = (words: string, length: number) => words.repeat(Math.ceil(length / words.length)).slice(0, length).trim();
const LONGEST_TITLE = fill('Villa Serena above Uluwatu Cliffs ', LIMITS.titleMaxLength);
const LONGEST_SUBTITLE = fill('Sea views · Infinity pool · Five bedrooms · ', LIMITS.subtitleMaxLength);

/** The box of pixels that differ (any channel by more than `threshold`) between two RGB frames; null when none do. */
function differingBox(a: Buffer, b: Buffer, width: number, height: number, threshold = 16): PixelRect | null {
  let box: PixelRect | null = null;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const d = Math.max(Math.abs(a[i]! - b[i]!), Math.abs(a[i + 1]! - b[i + 1]!), Math.abs(a[i + 2]! - b[i + 2]!));
      if (d <= threshold) continue;
      box = box === null ? { x0: x, y0: y, x1: x + 1, y1: y + 1 } : { x0: Math.min(box.x0, x), y0: Math.min(box.y0, y), x1: Math.max(box.x1, x + 1), y1: Math.max(box.y1, y + 1) };
    }
  }
  return box;
}

/**
 * The text's pixels measured on rendered frames, not its CSS: each format is rendered at test size
 * over a black clip (the scrim darkens black to black, so only the text changes pixels) at the
 * poster frame, once with the longest title and subtitle the upload accepts and once with both
 * empty; the box of the pixels that differ must lie inside the format's safe rectangle.
 */
describe('the template keeps title and subtitle inside each format\'s safe area (measured on rendered frames)', () => {
  let work: string;
  let served: Awaited<ReturnType<typeof serveFile>>;
  let stills: Awaited<ReturnType<typeof openTemplateStills>>;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'safe-areas-test-'));
    // A black clip (from a blank PNG: Remotion's FFmpeg has no lavfi sources); the template covers the frame with it whatever its shape.
    const black = path.join(work, 'black.png');
    await writeFile(black, blankPng(64));
    const clip = path.join(work, 'black.mp4');
    await makeTestClip({ image: black, out: clip, width: 64, height: 64, seconds: SECONDS, fps: FPS });
    served = await serveFile(clip, 'video/mp4');
    stills = await openTemplateStills();
  });

  afterAll(async () => {
    await stills?.close();
    await served?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.each(VIDEO_FORMATS.map((f) => [f]))('%s', async (format: VideoFormat) => {
    const { width, height } = renderSizeFor(format, SCALE);
    const frame = posterFrame(durationInFramesFor(SECONDS, FPS), FPS);
    const props = (title: string, subtitle: string): VillaVideoProps => ({ clipUrl: served.url, title, subtitle, musicFile: 'ocean-breeze.mp3', clipDurationSeconds: SECONDS, format });
    const slug = format.replace(':', 'x');
    const withText = path.join(work, `${slug}-text.png`);
    const empty = path.join(work, `${slug}-empty.png`);
    await stills.still({ props: props(LONGEST_TITLE, LONGEST_SUBTITLE), width, height, fps: FPS, frame, out: withText });
    await stills.still({ props: props('', ''), width, height, fps: FPS, frame, out: empty });

    const box = differingBox(await decodeRgb(withText, width, height), await decodeRgb(empty, width, height), width, height);
    const safe = safeRect(format, width, height);
    const shown = { format, size: `${width}x${height}`, text: box, safe, source: SAFE_AREAS[format].source };
    expect(box, JSON.stringify(shown)).not.toBeNull();
    // The text is there and sizeable: several lines over much of the safe width.
    expect(box!.x1 - box!.x0, JSON.stringify(shown)).toBeGreaterThan(0.5 * (safe.x1 - safe.x0));
    expect(box!.y1 - box!.y0, JSON.stringify(shown)).toBeGreaterThan(0.15 * (safe.y1 - safe.y0));
    // Whole pixels: a pixel the safe edge cuts through counts as outside.
    expect(box!.x0, JSON.stringify(shown)).toBeGreaterThanOrEqual(Math.ceil(safe.x0));
    expect(box!.y0, JSON.stringify(shown)).toBeGreaterThanOrEqual(Math.ceil(safe.y0));
    expect(box!.x1, JSON.stringify(shown)).toBeLessThanOrEqual(Math.floor(safe.x1));
    expect(box!.y1, JSON.stringify(shown)).toBeLessThanOrEqual(Math.floor(safe.y1));
  });
});
