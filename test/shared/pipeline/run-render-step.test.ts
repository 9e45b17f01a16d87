import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError, ValidationError } from '../../../shared/domain/errors';
import { ltxVideoKey, renderKey, thumbnailKey } from '../../../shared/domain/keys';
import { runRenderStep } from '../../../shared/pipeline/run-render-step';
import { databaseDown } from '../../helpers/memory-job-store';
import { DEFAULT_RENDER_FORMAT } from '../../../shared/domain/video-render';
import { CLIP_BYTES } from '../../helpers/pipeline-fakes';
import { OTHER_USER, pipelineHarness, USER, type PipelineHarness } from '../../helpers/pipeline-harness';

let h: PipelineHarness;
afterEach(async () => {
  await h?.generator.close();
});

/** An uploaded photo taken through the LTX step: the job is `generating` with its clip stored. */
async function jobWithClip(harness: PipelineHarness, options = {}) {
  const { job, key } = await harness.uploadedPhoto(options);
  await harness.ltx(key);
  return { job, photoKey: key, clipKey: ltxVideoKey(USER, job.id) };
}

describe('runRenderStep: starts a render and returns; the webhook finishes the job', () => {
  it('starts one render with the webhook customData, records its renderId, and the success webhook completes the job', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h, { title: 'Villa Été', subtitle: 'Bali', musicFile: 'ocean-breeze.mp3', duration: 8 });

    expect(await h.render(clipKey)).toEqual({ outcome: 'done', jobId: job.id });
    // Started, not waited for: nothing is rendered yet and the job is rendering.
    expect(h.starter.starts).toHaveLength(1);
    expect(h.starter.starts[0]).toMatchObject({
      jobId: job.id,
      customData: { jobId: job.id, format: DEFAULT_RENDER_FORMAT },
      props: { clipUrl: await h.store.presignGet(clipKey), title: 'Villa Été', subtitle: 'Bali', musicFile: 'ocean-breeze.mp3', clipDurationSeconds: 8, format: '16:9' },
      width: 1920,
      height: 1080,
      fps: 25,
      bucket: h.config.bucket,
      videoKey: renderKey(USER, job.id),
      thumbnailKey: thumbnailKey(USER, job.id),
    });
    expect(h.renderer.requests).toHaveLength(0);
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'rendering' });
    expect(await h.renders.get(job.id, DEFAULT_RENDER_FORMAT)).toMatchObject({ status: 'rendering', render_id: 'render-1', bucket_name: 'remotionlambda-useast1-test', attempt: 1, cost_usd: 0.001 });

    h.clock.advance(95_000);
    expect(await h.webhook(await h.starter.complete())).toEqual({ outcome: 'completed', jobId: job.id });
    const row = await h.jobs.getGeneratedVideo(job.id);
    expect(row).toMatchObject({
      id: job.id,
      user_id: USER,
      title: 'Villa Été',
      video_url: `https://cdn.example.test/renders/${USER}/${job.id}.mp4`,
      thumbnail_url: `https://cdn.example.test/thumbnails/${USER}/${job.id}.jpg`,
      resolution: '1920x1080',
      duration_seconds: 8,
      status: 'completed',
      generation_time_seconds: 95,
    });
    expect(row!.file_size_mb).toBe(Math.round(((CLIP_BYTES.length + job.id.length) / 1048576) * 100) / 100);
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', progress: 100, error: null, generated_video_id: job.id });
    // Remotion's reported cost is added to the poster's.
    expect(await h.renders.get(job.id, DEFAULT_RENDER_FORMAT)).toMatchObject({ status: 'succeeded', cost_usd: 0.021 });
    // ...and goes on the job with its completion, beside the clip's LTX cost (8 s × $0.04).
    expect(await h.jobs.get(job.id)).toMatchObject({ ltx_cost_usd: 0.32, render_cost_usd: 0.021 });
    expect(h.events.statusesOf(job.id)).toEqual(['generating', 'rendering', 'completed']);
  });

  it('renders at the configured test size and frame rate when set', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await runRenderStep({ ...h.renderDeps, config: { ...h.config, renderSize: { width: 320, height: 180 }, renderFps: 10 } }, h.objectAt(clipKey));
    expect(h.starter.starts[0]).toMatchObject({ width: 320, height: 180, fps: 10 });
    await h.webhook(await h.starter.complete());
    expect((await h.jobs.getGeneratedVideo(job.id))?.resolution).toBe('320x180');
  });

  it('one paid render however often the clip’s event arrives: at once, while rendering, or after the end', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    const outcomes = await Promise.all([h.render(clipKey), h.render(clipKey), h.render(clipKey)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['done', 'skipped', 'skipped']);
    // A redelivery while the render runs reads its state and leaves it to its webhook.
    expect(await h.render(clipKey)).toEqual({ outcome: 'skipped', jobId: job.id, reason: 'render render-1 is running; its webhook finishes the job' });
    await h.webhook(await h.starter.complete());
    expect(await h.render(clipKey)).toEqual({ outcome: 'skipped', jobId: job.id, reason: 'job is completed' });
    expect(h.starter.starts).toHaveLength(1);
    expect(h.jobs.videos.size).toBe(1);
  });

  it('a render whose webhook never arrives is finished by the next delivery from its output, without a second start', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.render(clipKey);
    await h.starter.complete(); // Remotion finished; its webhook is lost.
    expect(await h.render(clipKey)).toEqual({ outcome: 'done', jobId: job.id });
    // Remotion's cost read from the render's progress, as its webhook would have reported it.
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', render_cost_usd: 0.021 });
    expect(h.starter.starts).toHaveLength(1);
    // Its slot is free again: the row no longer counts against the render limit.
    expect(await h.renders.get(job.id, DEFAULT_RENDER_FORMAT)).toMatchObject({ status: 'succeeded' });
    expect(await h.renders.countInFlight(new Date(0))).toBe(0);
  });

  it('a crash between the start and the webhook: the webhook alone completes the job', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    // The render step recorded the start, then its function died (nothing after the start matters).
    await h.render(clipKey);
    expect(await h.webhook(await h.starter.complete())).toEqual({ outcome: 'completed', jobId: job.id });
    expect(h.starter.starts).toHaveLength(1);
  });

  it('a render the renderer lost (the local stack restarted) is started again by the next delivery, once', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.render(clipKey);
    h.starter.states.clear();
    expect(await h.render(clipKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.renders.get(job.id, DEFAULT_RENDER_FORMAT)).toMatchObject({ attempt: 2, render_id: 'render-2', status: 'rendering' });
    expect(await h.render(clipKey, 'CopyObject')).toMatchObject({ outcome: 'skipped', reason: 'render render-2 is running; its webhook finishes the job' });
    expect(h.starter.starts).toHaveLength(2);
  });

  it('a render that finishes while a redelivery looks at it is completed from its output, not judged missing', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.render(clipKey);
    // The first look at the bucket finds nothing; by the time the render's state is read, it is done.
    const state = h.starter.state.bind(h.starter);
    h.starter.state = async (render) => {
      await h.starter.complete(render.renderId);
      return state(render);
    };
    expect(await h.render(clipKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', error: null });
    expect(h.starter.starts).toHaveLength(1);
  });

  it('a start whose record was never written (the process died inside the call) is not started again until it is abandoned', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.renders.reserve(job.id, DEFAULT_RENDER_FORMAT, new Date(0));
    await h.jobs.updateWhere(job.id, ['generating'], { status: 'rendering', attempts: 1 });
    expect(await h.render(clipKey)).toMatchObject({ outcome: 'skipped', reason: 'render is starting' });
    expect(h.starter.starts).toHaveLength(0);
  });
  it('skips a clip with no job, a clip naming another owner, and a job not yet generating', async () => {
    h = pipelineHarness();
    const stray = ltxVideoKey(USER, crypto.randomUUID());
    await h.store.put(stray, CLIP_BYTES, { contentType: 'video/mp4' });
    expect(await h.render(stray)).toMatchObject({ outcome: 'skipped', reason: 'no job for this clip' });

    const { job, clipKey } = await jobWithClip(h);
    const forged = ltxVideoKey(OTHER_USER, job.id);
    await h.store.put(forged, CLIP_BYTES, { contentType: 'video/mp4' });
    expect(await h.render(forged)).toEqual({ outcome: 'skipped', jobId: job.id, reason: 'the clip key names another owner' });

    await h.jobs.updateWhere(job.id, ['generating'], { status: 'queued' });
    expect(await h.render(clipKey)).toEqual({ outcome: 'skipped', jobId: job.id, reason: 'job is queued' });
    expect(h.starter.starts).toHaveLength(0);
  });

  it('skips a clip of an orientation, and keys that are not clips', async () => {
    h = pipelineHarness();
    const { job } = await jobWithClip(h);
    const portrait = ltxVideoKey(USER, job.id, 'portrait');
    await h.store.put(portrait, CLIP_BYTES, { contentType: 'video/mp4' });
    expect(await h.render(portrait)).toMatchObject({ outcome: 'skipped', jobId: job.id });
    await h.store.put('ltx-videos/notes.txt', CLIP_BYTES, { contentType: 'text/plain' });
    expect(await h.render('ltx-videos/notes.txt')).toEqual({ outcome: 'skipped', reason: 'ltx-videos/notes.txt is not a clip key (ltx-videos/{userId}/{jobId}.mp4)' });
    expect(h.starter.starts).toHaveLength(0);
  });
});

describe('runRenderStep: failures and limits', () => {
  it('a transient start failure hands the clip back and throws; the retried delivery starts the render', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    h.starter.failures.push(new UpstreamError('remotion', 'renderMediaOnLambda failed: Rate Exceeded', { retryable: true }));
    await expect(h.render(clipKey)).rejects.toThrow('Rate Exceeded');
    // The job's row has the user's sentence; the render row and the log have the whole error.
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'generating', attempts: 1, error: 'Retrying after: Rendering the final video failed. Try again later; if it fails again, contact support.' });
    expect(await h.render(clipKey)).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.renders.get(job.id, DEFAULT_RENDER_FORMAT)).toMatchObject({ status: 'rendering', attempt: 2 });
    expect(h.starter.starts).toHaveLength(2);
  });

  it('a start that cannot succeed fails the job with its reason, at once', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    h.starter.failures.push(new ValidationError('function', 'The Remotion function is of another version.'));
    expect(await h.render(clipKey)).toEqual({ outcome: 'failed', jobId: job.id, reason: 'The Remotion function is of another version.' });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'The Remotion function is of another version.' });
  });

  it('an error webhook hands the job back; the next delivery starts the next attempt, and a late webhook of the first changes nothing', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.render(clipKey);
    const first = h.starter.renderId();
    expect(await h.webhook(h.starter.fail(first, 'Chromium crashed'))).toEqual({ outcome: 'retrying', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'generating', error: 'Retrying after: Remotion failed to render: Chromium crashed' });
    // The clip is copied onto itself: its event brings the next attempt at once.
    expect(h.store.touched).toEqual([clipKey]);
    expect(await h.render(clipKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.starter.starts).toHaveLength(2);
    // The first render's success arriving late is not the job's render any more.
    expect(await h.webhook(await h.starter.complete(first))).toMatchObject({ outcome: 'ignored', reason: `late: render ${first} is not the job's current render` });
    expect((await h.jobs.get(job.id))?.status).toBe('rendering');
    expect(await h.webhook(await h.starter.complete())).toEqual({ outcome: 'completed', jobId: job.id });
  });

  it('a replayed webhook is acknowledged and changes nothing', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.render(clipKey);
    const success = await h.starter.complete();
    expect(await h.webhook(success)).toEqual({ outcome: 'completed', jobId: job.id });
    expect(await h.webhook(success)).toMatchObject({ outcome: 'ignored', reason: 'job is completed' });
    // Remotion's cost counted once: neither the render's record nor the job's doubled by the repeat.
    expect(await h.renders.get(job.id, DEFAULT_RENDER_FORMAT)).toMatchObject({ cost_usd: 0.021 });
    expect(await h.jobs.get(job.id)).toMatchObject({ render_cost_usd: 0.021 });
    expect(h.jobs.videos.size).toBe(1);
    expect(h.events.statusesOf(job.id)).toEqual(['generating', 'rendering', 'completed']);
  });

  it('fails the job naming the attempts when every render timed out', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    for (let i = 0; i < 3; i++) {
      await h.render(clipKey);
      await h.webhook(h.starter.timeout());
    }
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', attempts: 3, error: `Rendering failed after 3 attempts: Remotion timed out rendering (render render-3)` });
    expect(await h.render(clipKey)).toMatchObject({ outcome: 'skipped', reason: 'job is failed' });
    expect(h.starter.starts).toHaveLength(3);
  });

  it('a success webhook whose deliverables are missing is not a finished video', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.render(clipKey);
    const success = await h.starter.complete();
    h.store.objects.delete(thumbnailKey(USER, job.id));
    expect(await h.webhook(success)).toEqual({ outcome: 'retrying', jobId: job.id });
    expect(h.jobs.videos.size).toBe(0);
  });

  it('fails a job whose render attempts are spent before starting', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.jobs.updateWhere(job.id, ['generating'], { attempts: 3, error: 'Retrying after: Chromium crashed' });
    expect(await h.render(clipKey)).toEqual({ outcome: 'failed', jobId: job.id, reason: 'attempts exhausted' });
    expect(h.starter.starts).toHaveLength(0);
  });

  it('admits no more renders than the limit: the next job waits in generating and its event comes back', async () => {
    h = pipelineHarness({ config: { maxConcurrentRenders: 1 } });
    const a = await jobWithClip(h);
    const b = await jobWithClip(h);
    await h.render(a.clipKey);
    await expect(h.render(b.clipKey)).rejects.toMatchObject({ code: 'render_slots_full', retryable: true });
    expect((await h.jobs.get(b.job.id))?.status).toBe('generating');
    expect(h.starter.starts).toHaveLength(1);
    await h.webhook(await h.starter.complete());
    expect(await h.render(b.clipKey)).toEqual({ outcome: 'done', jobId: b.job.id });
  });

  it('the database down as the webhook arrives: a 5xx for Remotion to retry, and the retry completes the job once', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.render(clipKey);
    const success = await h.starter.complete();
    h.jobs.fault = (op) => (op === 'insertGeneratedVideo' ? databaseDown('insert of generated_videos') : undefined);
    await expect(h.webhook(success)).rejects.toMatchObject({ retryable: true });
    h.jobs.fault = undefined;
    expect(await h.webhook(success)).toEqual({ outcome: 'completed', jobId: job.id });
    expect(h.jobs.videos.size).toBe(1);
  });
});
