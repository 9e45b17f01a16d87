import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors';
import { generatedVideoId } from '../../../shared/domain/derived-job-id';
import { ltxVideoKey, renderKey, thumbnailKey } from '../../../shared/domain/keys';
import type { VideoFormat } from '../../../shared/domain/video-formats';
import { CLIP_BYTES } from '../../helpers/pipeline-fakes';
import { pipelineHarness, USER, type PipelineHarness } from '../../helpers/pipeline-harness';

/**
 * A job with several formats: one Remotion render and one generated_videos row per format, each
 * idempotent under redelivery; the job ends once, when every format has; a format that fails is
 * retried alone, or given up and named without losing the others.
 */

let h: PipelineHarness;
afterEach(async () => {
  await h?.generator.close();
});

const ALL: VideoFormat[] = ['16:9', '9:16', '4:5', '1:1'];
const MINUTE = 60_000;

/**
 * An uploaded photo taken through the LTX step: the job is `generating` with every clip its formats
 * need in the bucket. `portrait: false` takes the portrait clip away again (its write has not landed
 * when the landscape clip's event arrives).
 */
async function jobWithClips(harness: PipelineHarness, formats: VideoFormat[], { portrait = true } = {}) {
  const { job, key } = await harness.uploadedPhoto({ formats });
  await harness.ltx(key);
  const landscapeKey = ltxVideoKey(USER, job.id);
  const portraitKey = ltxVideoKey(USER, job.id, 'portrait');
  if (!portrait) harness.store.objects.delete(portraitKey);
  return { job: (await harness.jobs.get(job.id))!, landscapeKey, portraitKey };
}

/** The render id of a format's n-th start. */
function renderIdOf(harness: PipelineHarness, format: VideoFormat, nth = 1): string {
  const index = harness.starter.starts.map((s, i) => ({ s, i })).filter(({ s }) => s.customData.format === format)[nth - 1]?.i;
  if (index === undefined) throw new Error(`no start ${nth} of ${format}`);
  return harness.starter.renderId(index + 1);
}

describe('runRenderStep with several formats', () => {
  it('starts one render per format, each with its size, clip, keys and customData', async () => {
    h = pipelineHarness();
    const { job, landscapeKey, portraitKey } = await jobWithClips(h, ALL);
    expect(await h.render(landscapeKey)).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.starter.starts.map((s) => s.customData)).toEqual(ALL.map((format) => ({ jobId: job.id, format })));
    const landscapeUrl = await h.store.presignGet(landscapeKey);
    const portraitUrl = await h.store.presignGet(portraitKey);
    expect(h.starter.starts.map((s) => ({ format: s.props.format, clipUrl: s.props.clipUrl, size: `${s.width}x${s.height}`, videoKey: s.videoKey, thumbnailKey: s.thumbnailKey }))).toEqual([
      { format: '16:9', clipUrl: landscapeUrl, size: '1920x1080', videoKey: renderKey(USER, job.id), thumbnailKey: thumbnailKey(USER, job.id) },
      { format: '9:16', clipUrl: portraitUrl, size: '1080x1920', videoKey: renderKey(USER, job.id, '9:16'), thumbnailKey: thumbnailKey(USER, job.id, '9:16') },
      { format: '4:5', clipUrl: portraitUrl, size: '1080x1350', videoKey: renderKey(USER, job.id, '4:5'), thumbnailKey: thumbnailKey(USER, job.id, '4:5') },
      { format: '1:1', clipUrl: portraitUrl, size: '1080x1080', videoKey: renderKey(USER, job.id, '1:1'), thumbnailKey: thumbnailKey(USER, job.id, '1:1') },
    ]);
    for (const format of ALL) expect(await h.renders.get(job.id, format)).toMatchObject({ status: 'rendering', attempt: 1 });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'rendering', attempts: 1 });
  });

  it('renders every format at the configured scale', async () => {
    h = pipelineHarness({ config: { renderScale: 1 / 6 } });
    const { landscapeKey } = await jobWithClips(h, ALL);
    await h.render(landscapeKey);
    expect(h.starter.starts.map((s) => `${s.width}x${s.height}`)).toEqual(['320x180', '180x320', '180x226', '180x180']);
  });

  it('four webhooks out of order, each twice, and duplicate clip events: four rows and one completion', async () => {
    h = pipelineHarness();
    const { job, landscapeKey, portraitKey } = await jobWithClips(h, ALL);
    // Both clips' events, each delivered twice, two of them at once.
    const outcomes = await Promise.all([h.render(portraitKey), h.render(landscapeKey)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['done', 'skipped']);
    expect(await h.render(portraitKey)).toMatchObject({ outcome: 'skipped' });
    expect(h.starter.starts).toHaveLength(4);

    // Remotion finishes each render just before its webhook, in another order than they were started.
    const hooks = new Map<VideoFormat, Awaited<ReturnType<typeof h.starter.complete>>>();
    const finish = async (format: VideoFormat) => hooks.set(format, await h.starter.complete(renderIdOf(h, format))).get(format)!;
    h.clock.advance(90_000);
    expect(await h.webhook(await finish('4:5'))).toEqual({ outcome: 'waiting', jobId: job.id, format: '4:5' });
    expect(await h.webhook(hooks.get('4:5')!)).toEqual({ outcome: 'waiting', jobId: job.id, format: '4:5' });
    expect(await h.webhook(await finish('1:1'))).toEqual({ outcome: 'waiting', jobId: job.id, format: '1:1' });
    // A clip event in the middle resumes each render, starts nothing and leaves the running two to their webhooks.
    expect(await h.render(landscapeKey, 'CopyObject')).toMatchObject({ outcome: 'skipped' });
    expect(await h.webhook(await finish('16:9'))).toEqual({ outcome: 'waiting', jobId: job.id, format: '16:9' });
    expect(await h.webhook(await finish('9:16'))).toEqual({ outcome: 'completed', jobId: job.id, format: '9:16' });
    for (const format of ['1:1', '16:9', '9:16'] as const) expect(await h.webhook(hooks.get(format)!)).toMatchObject({ outcome: 'ignored', reason: 'job is completed' });
    expect(await h.render(portraitKey, 'CopyObject')).toMatchObject({ outcome: 'skipped', reason: 'job is completed' });

    expect(h.starter.starts).toHaveLength(4);
    expect(h.jobs.videos.size).toBe(4);
    const ids = ALL.map((f) => generatedVideoId(job.id, f, ALL));
    expect(ids[0]).toBe(job.id);
    const rows = await Promise.all(ids.map((id) => h.jobs.getGeneratedVideo(id)));
    expect(rows.map((r) => ({ resolution: r?.resolution, filename: r?.filename, video_url: r?.video_url }))).toEqual([
      { resolution: '1920x1080', filename: `${job.id}.mp4`, video_url: `https://cdn.example.test/renders/${USER}/${job.id}.mp4` },
      { resolution: '1080x1920', filename: `${job.id}-9x16.mp4`, video_url: `https://cdn.example.test/renders/${USER}/${job.id}-9x16.mp4` },
      { resolution: '1080x1350', filename: `${job.id}-4x5.mp4`, video_url: `https://cdn.example.test/renders/${USER}/${job.id}-4x5.mp4` },
      { resolution: '1080x1080', filename: `${job.id}-1x1.mp4`, video_url: `https://cdn.example.test/renders/${USER}/${job.id}-1x1.mp4` },
    ]);
    // Each format's render cost (poster $0.001 + Remotion's $0.02) counted once, summed on the job.
    expect(await h.jobs.get(job.id)).toMatchObject({
      status: 'completed',
      progress: 100,
      error: null,
      generated_video_id: job.id,
      generated_video_ids: ids,
      video_key: renderKey(USER, job.id),
      render_cost_usd: 0.084,
    });
    expect(h.events.statusesOf(job.id)).toEqual(['generating', 'rendering', 'completed']);
    expect(h.events.statuses.at(-1)).toMatchObject({ videos: ALL.map((format, i) => ({ format, generatedVideoId: ids[i] })) });
  });

  it('the progress bar is the mean of the formats’ progress', async () => {
    h = pipelineHarness();
    const { job, landscapeKey } = await jobWithClips(h, ['16:9', '9:16']);
    await h.render(landscapeKey);
    expect((await h.jobs.get(job.id))?.progress).toBe(55);
    // One of two done: halfway through rendering (55 % + 40 % × ½).
    await h.webhook(await h.starter.complete(renderIdOf(h, '9:16')));
    expect((await h.jobs.get(job.id))?.progress).toBe(75);
  });

  it('a clip event while the portrait clip is missing starts nothing; the portrait clip’s own event starts every render', async () => {
    h = pipelineHarness();
    const { job, landscapeKey, portraitKey } = await jobWithClips(h, ['16:9', '9:16'], { portrait: false });
    expect(await h.render(landscapeKey)).toEqual({ outcome: 'skipped', jobId: job.id, reason: 'waiting for the portrait clip' });
    expect(h.starter.starts).toHaveLength(0);
    expect((await h.jobs.get(job.id))?.status).toBe('generating');
    await h.store.put(portraitKey, CLIP_BYTES, { contentType: 'video/mp4' });
    expect(await h.render(portraitKey)).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.starter.starts.map((s) => s.customData.format)).toEqual(['16:9', '9:16']);
  });

  it('a portrait-only job ignores a landscape clip and renders from its portrait clip', async () => {
    h = pipelineHarness();
    const { job, landscapeKey, portraitKey } = await jobWithClips(h, ['9:16']);
    // The LTX step made no landscape clip for this job; one under its key (put by hand) is not its.
    expect(await h.store.head(landscapeKey)).toBeNull();
    await h.store.put(landscapeKey, CLIP_BYTES, { contentType: 'video/mp4' });
    expect(await h.render(landscapeKey)).toMatchObject({ outcome: 'skipped', reason: "the job's formats (9:16) use no landscape clip" });
    expect(await h.render(portraitKey)).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.starter.starts[0]).toMatchObject({ customData: { format: '9:16' }, props: { clipUrl: await h.store.presignGet(portraitKey) } });
    expect(await h.webhook(await h.starter.complete())).toEqual({ outcome: 'completed', jobId: job.id, format: '9:16' });
    // The job's first (only) format keeps the job's id.
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', generated_video_id: job.id, generated_video_ids: [job.id], video_key: renderKey(USER, job.id, '9:16') });
  });

  it('a format that fails retryably is retried alone: the others’ renders and rows are untouched', async () => {
    h = pipelineHarness();
    const { job, landscapeKey, portraitKey } = await jobWithClips(h, ['16:9', '9:16']);
    await h.render(landscapeKey);
    const landscape = renderIdOf(h, '16:9');
    expect(await h.webhook(await h.starter.complete(landscape))).toEqual({ outcome: 'waiting', jobId: job.id, format: '16:9' });
    expect(await h.webhook(h.starter.fail(renderIdOf(h, '9:16'), 'Chromium crashed'))).toEqual({ outcome: 'retrying', jobId: job.id, format: '9:16' });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'rendering', error: 'Retrying the 9:16 video after: Remotion failed to render: Chromium crashed' });
    // The failed format's clip is copied onto itself: its event starts that format's next attempt only.
    expect(h.store.touched).toEqual([portraitKey]);
    const before = await h.renders.get(job.id, '16:9');
    expect(await h.render(portraitKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.starter.starts.map((s) => s.customData.format)).toEqual(['16:9', '9:16', '9:16']);
    expect(await h.renders.get(job.id, '9:16')).toMatchObject({ status: 'rendering', attempt: 2, render_id: renderIdOf(h, '9:16', 2) });
    expect(await h.renders.get(job.id, '16:9')).toEqual(before);
    expect(h.jobs.videos.size).toBe(1);
    // The first attempt's webhook arriving late changes nothing.
    expect(await h.webhook(h.starter.fail(renderIdOf(h, '9:16', 1)))).toMatchObject({ outcome: 'ignored' });
    expect(await h.webhook(await h.starter.complete(renderIdOf(h, '9:16', 2)))).toEqual({ outcome: 'completed', jobId: job.id, format: '9:16' });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', error: null, generated_video_ids: [job.id, generatedVideoId(job.id, '9:16', ['16:9', '9:16'])] });
  });

  it('a format that fails for good does not fail the job: completed, naming it, with the other three rows', async () => {
    h = pipelineHarness();
    const { job, landscapeKey, portraitKey } = await jobWithClips(h, ALL);
    await h.render(landscapeKey);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const outcome = await h.webhook(h.starter.fail(renderIdOf(h, '4:5', attempt), 'Chromium crashed'));
      if (attempt < 3) {
        expect(outcome).toEqual({ outcome: 'retrying', jobId: job.id, format: '4:5' });
        await h.render(portraitKey, 'CopyObject');
      } else {
        // Given up while the others still render: the job waits for them.
        expect(outcome).toEqual({ outcome: 'waiting', jobId: job.id, format: '4:5' });
      }
    }
    expect((await h.jobs.get(job.id))?.status).toBe('rendering');
    for (const format of ['16:9', '9:16', '1:1'] as const) await h.webhook(await h.starter.complete(renderIdOf(h, format)));
    const ids = (['16:9', '9:16', '1:1'] as const).map((f) => generatedVideoId(job.id, f, ALL));
    expect(await h.jobs.get(job.id)).toMatchObject({
      status: 'completed',
      error: 'The 4:5 video could not be made: Rendering failed after 3 attempts: Remotion failed to render: Chromium crashed',
      generated_video_id: job.id,
      generated_video_ids: ids,
    });
    expect(h.jobs.videos.size).toBe(3);
    expect(await h.jobs.getGeneratedVideo(generatedVideoId(job.id, '4:5', ALL))).toBeNull();
    expect(h.events.statuses.at(-1)).toMatchObject({ status: 'completed', failedFormats: ['4:5'] });
    expect(h.starter.starts.filter((s) => s.customData.format === '4:5')).toHaveLength(3);
  });

  it('the first format given up: the job completes with the others, generated_video_id naming the first that was made', async () => {
    h = pipelineHarness();
    const { job, landscapeKey } = await jobWithClips(h, ['16:9', '1:1']);
    h.starter.failures.push(new ValidationError('composition', 'The composition refuses this size.'));
    expect(await h.render(landscapeKey)).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.renders.get(job.id, '16:9')).toMatchObject({ status: 'failed', retryable: false, attempt: 1 });
    expect(await h.webhook(await h.starter.complete(renderIdOf(h, '1:1')))).toEqual({ outcome: 'completed', jobId: job.id, format: '1:1' });
    const square = generatedVideoId(job.id, '1:1', ['16:9', '1:1']);
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', generated_video_id: square, generated_video_ids: [square], error: expect.stringMatching(/^The 16:9 video could not be made: /) });
  });

  it('every format failing fails the job, naming each', async () => {
    h = pipelineHarness({ config: { maxJobAttempts: 1 } });
    const { job, landscapeKey } = await jobWithClips(h, ['16:9', '9:16']);
    await h.render(landscapeKey);
    expect(await h.webhook(h.starter.timeout(renderIdOf(h, '9:16')))).toEqual({ outcome: 'waiting', jobId: job.id, format: '9:16' });
    expect(await h.webhook(h.starter.fail(renderIdOf(h, '16:9'), 'Chromium crashed'))).toEqual({ outcome: 'failed', jobId: job.id, format: '16:9' });
    const failed = await h.jobs.get(job.id);
    expect(failed).toMatchObject({ status: 'failed', generated_video_ids: null });
    expect(failed?.error).toBe(
      'The 16:9 video could not be made: Rendering failed after 1 attempts: Remotion failed to render: Chromium crashed ' +
        `The 9:16 video could not be made: Rendering failed after 1 attempts: Remotion timed out rendering (render ${renderIdOf(h, '9:16')})`,
    );
    expect(h.jobs.videos.size).toBe(0);
    expect(h.events.statusesOf(job.id)).toEqual(['generating', 'rendering', 'failed']);
  });

  it('the render limit admits a job whole, and a retry needs a free slot', async () => {
    h = pipelineHarness({ config: { maxConcurrentRenders: 3 } });
    const a = await jobWithClips(h, ['16:9', '9:16']);
    const b = await jobWithClips(h, ['16:9', '9:16']);
    await h.render(a.landscapeKey);
    await expect(h.render(b.landscapeKey)).rejects.toMatchObject({ code: 'render_slots_full' });
    expect((await h.jobs.get(b.job.id))?.status).toBe('generating');
    await h.webhook(await h.starter.complete(renderIdOf(h, '16:9')));
    await h.webhook(await h.starter.complete(renderIdOf(h, '9:16')));
    expect(await h.render(b.landscapeKey)).toEqual({ outcome: 'done', jobId: b.job.id });
    expect(h.starter.starts).toHaveLength(4);
  });
});

describe('lost webhooks, per format', () => {
  it('the sweeper recovers a format whose webhook was lost, without rendering it again', async () => {
    h = pipelineHarness();
    const { job, landscapeKey } = await jobWithClips(h, ['16:9', '9:16']);
    await h.render(landscapeKey);
    await h.webhook(await h.starter.complete(renderIdOf(h, '16:9')));
    await h.starter.complete(renderIdOf(h, '9:16')); // Remotion finished; every delivery of its webhook failed.
    // No deadline: every format's output is in the bucket.
    h.clock.advance(1000);
    expect(await h.sweep()).toMatchObject({ reconciled: 1 });
    expect(h.store.touched).toEqual([landscapeKey]);
    expect(await h.render(landscapeKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', render_cost_usd: 0.042, generated_video_ids: [job.id, generatedVideoId(job.id, '9:16', ['16:9', '9:16'])] });
    expect(await h.renders.get(job.id, '9:16')).toMatchObject({ status: 'succeeded', cost_usd: 0.021 });
    expect(h.starter.starts).toHaveLength(2);
  });

  it('a stale job with one format still running is redriven; the running render is left to its webhook', async () => {
    h = pipelineHarness();
    const { job, landscapeKey } = await jobWithClips(h, ['16:9', '9:16']);
    await h.render(landscapeKey);
    await h.webhook(await h.starter.complete(renderIdOf(h, '16:9')));
    h.clock.advance(16 * MINUTE);
    expect(await h.sweep()).toMatchObject({ reconciled: 0, redriven: 1 });
    expect(await h.render(landscapeKey, 'CopyObject')).toEqual({ outcome: 'skipped', jobId: job.id, reason: `16:9: rendered; 9:16: render ${renderIdOf(h, '9:16')} is running; its webhook finishes the job` });
    expect(h.starter.starts).toHaveLength(2);
  });
});

describe('jobs from before formats', () => {
  it('a render started before the migration (customData format "landscape", its row migrated to 16:9) completes its job', async () => {
    h = pipelineHarness();
    const { job, landscapeKey } = await jobWithClips(h, ['16:9'], { portrait: false });
    await h.render(landscapeKey);
    const hook = await h.starter.complete();
    expect(await h.webhook({ ...hook, customData: { jobId: job.id, format: 'landscape' } })).toEqual({ outcome: 'completed', jobId: job.id, format: '16:9' });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', generated_video_id: job.id, generated_video_ids: [job.id] });
  });

  it('a webhook naming a format the pipeline does not know is acknowledged and changes nothing', async () => {
    h = pipelineHarness();
    const { job, landscapeKey } = await jobWithClips(h, ['16:9'], { portrait: false });
    await h.render(landscapeKey);
    const hook = await h.starter.complete();
    expect(await h.webhook({ ...hook, customData: { jobId: job.id, format: 'panorama' } })).toMatchObject({ outcome: 'ignored', reason: 'no such format: panorama' });
    expect((await h.jobs.get(job.id))?.status).toBe('rendering');
  });
});
