import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError, ValidationError } from '../../../shared/domain/errors';
import { ltxVideoKey, renderKey, thumbnailKey } from '../../../shared/domain/keys';
import { runRenderStep } from '../../../shared/pipeline/run-render-step';
import { databaseDown } from '../../helpers/memory-job-store';
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

describe('runRenderStep', () => {
  it('renders the clip once, writes one generated_videos row and completes the job', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h, { title: 'Villa Été', subtitle: 'Bali', musicFile: 'ocean-breeze.mp3', duration: 8 });
    h.clock.advance(95_000);

    expect(await h.render(clipKey)).toEqual({ outcome: 'done', jobId: job.id });

    expect(h.renderer.requests).toHaveLength(1);
    expect(h.renderer.requests[0]).toMatchObject({
      jobId: job.id,
      props: { clipUrl: await h.store.presignGet(clipKey), title: 'Villa Été', subtitle: 'Bali', musicFile: 'ocean-breeze.mp3', clipDurationSeconds: 8 },
      width: 1920,
      height: 1080,
      fps: 25,
      bucket: h.config.bucket,
      videoKey: renderKey(USER, job.id),
      thumbnailKey: thumbnailKey(USER, job.id),
    });
    const row = await h.jobs.getGeneratedVideo(job.id);
    expect(row).toMatchObject({
      id: job.id,
      user_id: USER,
      title: 'Villa Été',
      subtitle: 'Bali',
      video_url: `https://cdn.example.test/renders/${USER}/${job.id}.mp4`,
      thumbnail_url: `https://cdn.example.test/thumbnails/${USER}/${job.id}.jpg`,
      filename: `${job.id}.mp4`,
      resolution: '1920x1080',
      duration_seconds: 8,
      music_file: 'ocean-breeze.mp3',
      status: 'completed',
      generation_time_seconds: 95,
    });
    expect(row!.file_size_mb).toBe(Math.round(((CLIP_BYTES.length + job.id.length) / 1048576) * 100) / 100);
    expect(row!.camera_prompt).toBe(job.options.prompt);
    expect(await h.jobs.get(job.id)).toMatchObject({
      status: 'completed',
      progress: 100,
      error: null,
      generated_video_id: job.id,
      video_key: renderKey(USER, job.id),
      thumbnail_key: thumbnailKey(USER, job.id),
    });
    expect(h.events.statusesOf(job.id)).toEqual(['generating', 'rendering', 'completed']);
    expect(h.events.statuses.at(-1)).toMatchObject({ status: 'completed', videoUrl: row!.video_url });
  });

  it('renders at the configured test size and frame rate when set', async () => {
    h = pipelineHarness();
    const { clipKey } = await jobWithClip(h);
    await runRenderStep({ ...h.renderDeps, config: { ...h.config, renderSize: { width: 320, height: 180 }, renderFps: 10 } }, h.objectAt(clipKey));
    expect(h.renderer.requests[0]).toMatchObject({ width: 320, height: 180, fps: 10 });
    expect((await h.jobs.getGeneratedVideo(h.renderer.requests[0]!.jobId))?.resolution).toBe('320x180');
  });

  it('renders once and writes one row however often the clip’s event arrives, at once or after the end', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    const outcomes = await Promise.all([h.render(clipKey), h.render(clipKey), h.render(clipKey)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['done', 'skipped', 'skipped']);
    expect(await h.render(clipKey)).toEqual({ outcome: 'skipped', jobId: job.id, reason: 'job is completed' });
    expect(h.renderer.requests).toHaveLength(1);
    expect(h.jobs.videos.size).toBe(1);
    expect(h.generator.calls).toHaveLength(1);
  });

  it('takes a clip whose event comes before the LTX step recorded it, and the late bookkeeping changes nothing', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    const clipKey = ltxVideoKey(USER, job.id);
    // S3's event for the clip is handled as soon as the clip is stored, before the LTX step writes ltx_key.
    let rendered: Promise<unknown> | undefined;
    h.store.afterPut = async (k) => {
      if (k !== clipKey) return;
      rendered = h.render(clipKey);
      await rendered;
    };
    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId: job.id });
    expect(await rendered).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', ltx_key: clipKey, progress: 100 });
    expect(h.renderer.requests).toHaveLength(1);
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
    expect(h.renderer.requests).toHaveLength(0);
  });

  it('skips a clip of an orientation, and keys that are not clips', async () => {
    h = pipelineHarness();
    const { job } = await jobWithClip(h);
    const portrait = ltxVideoKey(USER, job.id, 'portrait');
    await h.store.put(portrait, CLIP_BYTES, { contentType: 'video/mp4' });
    expect(await h.render(portrait)).toMatchObject({ outcome: 'skipped', jobId: job.id });
    await h.store.put('ltx-videos/notes.txt', CLIP_BYTES, { contentType: 'text/plain' });
    expect(await h.render('ltx-videos/notes.txt')).toEqual({ outcome: 'skipped', reason: 'ltx-videos/notes.txt is not a clip key (ltx-videos/{userId}/{jobId}.mp4)' });
    expect(h.renderer.requests).toHaveLength(0);
  });
});

describe('runRenderStep: failures', () => {
  it('a transient render failure hands the clip back and throws; the retried delivery renders', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    h.renderer.failures.push(new UpstreamError('s3', `S3 PUT of renders/${USER}/${job.id}.mp4 failed (503)`, { status: 503, retryable: true }));
    await expect(h.render(clipKey)).rejects.toThrow('failed (503)');
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'generating', attempts: 1, error: 'Retrying after: The photo or video could not be read or written in storage. Try again later.' });
    expect(await h.render(clipKey)).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', attempts: 2, error: null });
    expect(h.renderer.requests).toHaveLength(2);
  });

  it('a render that cannot succeed fails the job with its reason, at once', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    h.renderer.failures.push(new ValidationError('clip', 'The clip has no video stream.'));
    expect(await h.render(clipKey)).toEqual({ outcome: 'failed', jobId: job.id, reason: 'The clip has no video stream.' });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'The clip has no video stream.' });
    expect(h.jobs.videos.size).toBe(0);
  });

  it('fails the job naming the attempts when every render attempt failed', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    const crash = () => new Error('Chromium crashed');
    h.renderer.failures.push(crash(), crash(), crash());
    await expect(h.render(clipKey)).rejects.toThrow();
    await expect(h.render(clipKey)).rejects.toThrow();
    expect(await h.render(clipKey)).toMatchObject({ outcome: 'failed' });
    expect(await h.jobs.get(job.id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'Rendering failed after 3 attempts: Something went wrong on our side while rendering the video. Try again later; if it fails again, contact support.',
    });
    // The attempts are spent: another delivery fails it without rendering (it is already failed here).
    expect(await h.render(clipKey)).toMatchObject({ outcome: 'skipped', reason: 'job is failed' });
    expect(h.renderer.requests).toHaveLength(3);
  });

  it('fails a job whose render attempts are spent before rendering', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    await h.jobs.updateWhere(job.id, ['generating'], { attempts: 3, error: 'Retrying after: Chromium crashed' });
    expect(await h.render(clipKey)).toEqual({ outcome: 'failed', jobId: job.id, reason: 'attempts exhausted' });
    expect((await h.jobs.get(job.id))?.error).toBe('Rendering gave up after 3 attempts. Retrying after: Chromium crashed');
    expect(h.renderer.requests).toHaveLength(0);
  });

  it('the database down as a render finishes: the retry finds the render and writes the row, never rendering twice', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await jobWithClip(h);
    h.renderer.afterWrite = () => {
      h.jobs.fault = () => databaseDown('insert of generated_videos');
    };
    await expect(h.render(clipKey)).rejects.toMatchObject({ retryable: true });
    // Neither the row nor the release of the claim could be written.
    h.jobs.fault = undefined;
    expect((await h.jobs.get(job.id))?.status).toBe('rendering');
    expect(h.jobs.videos.size).toBe(0);
    expect(h.logger.lines.some((l) => l.message === 'claim not released')).toBe(true);

    expect(await h.render(clipKey)).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.logger.lines.some((l) => l.message === 'finished render found without its row')).toBe(true);
    expect(h.renderer.requests).toHaveLength(1);
    expect(await h.jobs.getGeneratedVideo(job.id)).toMatchObject({ resolution: '1920x1080', duration_seconds: 6 });
    expect((await h.jobs.get(job.id))?.status).toBe('completed');
  });
});
