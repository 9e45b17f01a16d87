import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { generatedVideoId } from '../../shared/domain/derived-job-id';
import { parseLtxVideoKey } from '../../shared/domain/keys';
import { buildObjectCreatedEvent } from '../../shared/domain/object-created-event';
import type { VideoFormat } from '../../shared/domain/video-formats';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { generatedVideos, signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

/**
 * A job with all four formats through the whole local stack (object store, event bus, queues, the
 * render webhook route, the Supabase API): one render and one `generated_videos` row per format, one
 * completion and one LTX call per orientation, with every photo and clip event delivered twice. The
 * "render" is CopyClipRenderer (Remotion's layouts per format are rendered and probed in test/remotion).
 */

let stack: LocalStack;
let copier: CopyClipRenderer;

beforeAll(async () => {
  ({ stack } = await startTestStack({ renderer: ({ store }) => (copier = new CopyClipRenderer(store)) }));
  stack.objectStore.onObjectCreated((n) => {
    // Every photo and clip event twice.
    if (parseLtxVideoKey(n.key) || n.key.startsWith('images/')) stack.bus.putEvent(buildObjectCreatedEvent({ bucket: n.bucket, key: n.key, size: n.size, etag: n.etag, sequencer: n.sequencer, reason: n.reason }));
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a job with several formats on the local stack', () => {
  it('one LTX call per orientation, one render and one row per format, one completion', async () => {
    const formats: VideoFormat[] = ['16:9', '9:16', '4:5', '1:1'];
    const ltxBefore = stack.ltx!.stats().requests;
    const user = await signInUser(stack);
    const photo = await readFile('remotion/public/sample/villa-small.jpg');
    const { jobId } = await uploadPhoto(stack, user.accessToken, photo, { formats });
    const job = await waitForJobEnd(stack, jobId, 60_000);
    await stack.idle();
    expect(stack.ltx!.stats().requests - ltxBefore).toBe(2);
    const ids = formats.map((f) => generatedVideoId(jobId, f, formats));
    expect(job).toMatchObject({ status: 'completed', error: null, generated_video_id: jobId, generated_video_ids: ids });
    const rows = await generatedVideos(stack, jobId);
    expect(rows.map((r) => [r.id, r.resolution, r.filename])).toEqual([
      [ids[0], '320x180', `${jobId}.mp4`],
      [ids[1], '180x320', `${jobId}-9x16.mp4`],
      [ids[2], '180x226', `${jobId}-4x5.mp4`],
      [ids[3], '180x180', `${jobId}-1x1.mp4`],
    ]);
    const renders = copier.renders.filter((r) => r.jobId === jobId);
    expect(renders.map((r) => r.format).sort()).toEqual(['16:9', '1:1', '4:5', '9:16']);
    for (const r of renders) expect(r.clipUrl.includes('-portrait.mp4')).toBe(r.format !== '16:9');
    // The user reads their own rows (row-level security), each format's video served.
    const { data } = await user.client.from('generated_videos').select('id').in('id', ids);
    expect(data?.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const r of rows) expect((await fetch(r.video_url)).status).toBe(200);
  });
});
