/**
 * One manual render of the template through LocalRemotionRenderer, timed: bundle, first render
 * (browser start included). Not a test: speed belongs here.
 *
 *   npx tsx scripts/bench-render.ts --width 1920 --height 1080 --seconds 6 [--fps 25] [--out .local/bench-render]
 *
 * Writes the clip, the rendered video and the poster into --out.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ObjectHead, ObjectStore, PutOptions } from '../shared/ports/object-store';
import { DEFAULT_MUSIC_FILE } from '../shared/domain/music';
import { LocalRemotionRenderer, bundleTemplate } from '../remotion/render-local';
import { makeTestClip } from '../test/helpers/make-test-clip';
import { serveFile } from '../test/helpers/serve-file';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '1920' },
    height: { type: 'string', default: '1080' },
    seconds: { type: 'string', default: '6' },
    fps: { type: 'string', default: '25' },
    music: { type: 'string', default: DEFAULT_MUSIC_FILE },
    out: { type: 'string', default: '.local/bench-render' },
  },
});
const width = Number(values.width);
const height = Number(values.height);
const seconds = Number(values.seconds);
const fps = Number(values.fps);
const outDir = path.resolve(values.out);

/** Writes what the renderer uploads into the output folder; the renderer needs nothing else. */
class FolderStore implements ObjectStore {
  readonly bucket = 'bench';
  async put(key: string, body: Buffer | Readable, _options: PutOptions): Promise<{ etag: string | undefined }> {
    const chunks: Buffer[] = [];
    if (Buffer.isBuffer(body)) chunks.push(body);
    else for await (const c of body) chunks.push(c as Buffer);
    await writeFile(path.join(outDir, path.basename(key)), Buffer.concat(chunks));
    return { etag: undefined };
  }
  head(): Promise<ObjectHead | null> { throw new Error('not used'); }
  getBytes(): Promise<Buffer> { throw new Error('not used'); }
  getStream(): Promise<Readable> { throw new Error('not used'); }
  presignPut(): Promise<{ url: string; headers: Record<string, string> }> { throw new Error('not used'); }
  presignGet(): Promise<string> { throw new Error('not used'); }
  touch(): Promise<void> { throw new Error('not used'); }
}

await mkdir(outDir, { recursive: true });
const clip = path.join(outDir, 'clip.mp4');
await makeTestClip({ image: path.resolve('remotion/public/sample/villa.jpg'), out: clip, width, height, seconds, fps });
const served = await serveFile(clip, 'video/mp4');
const renderer = new LocalRemotionRenderer({ store: new FolderStore(), log: (l) => console.log(l) });
try {
  let t = Date.now();
  await bundleTemplate();
  const bundleSeconds = (Date.now() - t) / 1000;
  t = Date.now();
  const result = await renderer.render({
    jobId: 'bench',
    props: { clipUrl: served.url, title: 'Villa Serena', subtitle: 'Sea views · Infinity pool · Five bedrooms', musicFile: values.music, clipDurationSeconds: seconds },
    width, height, fps,
    bucket: 'bench', videoKey: 'video.mp4', thumbnailKey: 'poster.jpg',
  });
  const frames = Math.round(seconds * fps);
  console.log(JSON.stringify({
    width, height, seconds, fps, frames,
    bundleSeconds,
    renderSeconds: result.renderSeconds,
    framesPerSecond: Number((frames / result.renderSeconds).toFixed(2)),
    sizeBytes: result.sizeBytes,
    wallSeconds: (Date.now() - t) / 1000,
    out: outDir,
  }));
} finally {
  await renderer.close();
  await served.close();
}
