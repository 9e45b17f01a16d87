import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/domain/job-options';
import { SAFE_AREAS, safeRect, type PixelRect } from '../../shared/domain/safe-areas';
import { VIDEO_FORMATS, renderSizeFor, type VideoFormat } from '../../shared/domain/video-formats';
import type { VillaVideoProps } from '../../shared/domain/video-template';
import { durationInFramesFor, posterFrame } from '../../shared/domain/video-template-timeline';
import { blankPng } from '../helpers/image-bombs';
import { makeTestClip } from '../helpers/make-test-clip';
import { decodeRgb } from '../helpers/media-probe';
import { serveFile } from '../helpers/serve-file';
import { openTemplateStills } from '../helpers/template-stills';

const FPS = 25;
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
