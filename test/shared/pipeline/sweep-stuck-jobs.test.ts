import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../shared/domain/errors';
import { ltxVideoKey, renderKey, thumbnailKey } from '../../../shared/domain/keys';
import { CLIP_BYTES, jpegBytes } from '../../helpers/pipeline-fakes';
import { pipelineHarness, USER, type PipelineHarness } from '../../helpers/pipeline-harness';

let h: PipelineHarness;
afterEach(async () => {
  await h?.generator.close();
});

const MINUTE = 60_000;
/** Past the 15-minute deadline of the test configuration. */
const STUCK = 16 * MINUTE;

async function generating(harness: PipelineHarness) {
  const { job, key } = await harness.uploadedPhoto();
  await harness.ltx(key);
  return { job: (await harness.jobs.get(job.id))!, photoKey: key, clipKey: ltxVideoKey(USER, job.id) };
}

describe('sweepStuckJobs: restarts a job from its last durable artefact', () => {
  it('a job stuck generating whose clip was stored: the clip is copied onto itself, LTX is not asked again', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await generating(h);
    h.clock.advance(STUCK);
    expect(await h.sweep()).toEqual({ examined: 1, redriven: 1, failed: 0, errors: 0, reconciled: 0 });
    expect(h.store.touched).toEqual([clipKey]);
    expect((await h.jobs.get(job.id))?.status).toBe('generating');
    // The copy's event reaches the render step like the first one would have.
    expect(await h.render(clipKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.generator.calls).toHaveLength(1);
  });

  it('a job stuck rendering whose render never started: its clip copied, and the redelivery starts the render', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await generating(h);
    await h.jobs.updateWhere(job.id, ['generating'], { status: 'rendering', attempts: 1 });
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ redriven: 1 });
    expect(h.store.touched).toEqual([clipKey]);
    // The job stays claimed (claimed once); the missing render is reserved and started.
    expect(await h.render(clipKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'rendering', attempts: 1 });
    expect(await h.renders.get(job.id, '16:9')).toMatchObject({ status: 'rendering', attempt: 1 });
    expect(h.starter.starts).toHaveLength(1);
  });

  it('a render whose webhook never came is resumed from its record: finished from its output, never started again', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await generating(h);
    await h.render(clipKey);
    await h.starter.complete(); // Remotion finished; every webhook delivery failed.
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ reconciled: 1 });
    expect(await h.render(clipKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'completed', attempts: 1 });
    expect(h.starter.starts).toHaveLength(1);
  });

  it('a render still running when swept is left to its webhook; one Remotion reports failed is retried', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await generating(h);
    await h.render(clipKey);
    h.clock.advance(STUCK);
    await h.sweep();
    expect(await h.render(clipKey, 'CopyObject')).toMatchObject({ outcome: 'skipped', reason: 'render render-1 is running; its webhook finishes the job' });
    h.starter.states.set('render-1', { state: 'failed', reason: 'render render-1 failed: Chromium crashed', retryable: true });
    // The same delivery records the failure and starts the next attempt.
    expect(await h.render(clipKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.renders.get(job.id, '16:9')).toMatchObject({ status: 'rendering', attempt: 2, render_id: 'render-2' });
    // Retries count on the format's render row; the job was claimed once.
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'rendering', attempts: 1 });
    expect(h.starter.starts).toHaveLength(2);
  });

  it('leaves queued jobs alone: they wait in the LTX queue, and a redrive would add a duplicate message each sweep', async () => {
    h = pipelineHarness();
    const { job } = await h.uploadedPhoto();
    await h.jobs.updateWhere(job.id, ['pending_upload'], { status: 'queued' });
    h.clock.advance(10 * STUCK);
    expect(await h.sweep()).toMatchObject({ examined: 0, redriven: 0 });
    expect(h.store.touched).toEqual([]);
    expect((await h.jobs.get(job.id))?.status).toBe('queued');
  });

  it('a job stuck generating without a clip: back to queued and its photo copied', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    await h.jobs.updateWhere(job.id, ['pending_upload'], { status: 'generating', attempts: 1, progress: 30 });
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ examined: 1, redriven: 1 });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'queued', progress: 0, attempts: 1 });
    expect(h.store.touched).toEqual([key]);
    expect(await h.ltx(key, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
  });

  it('a pending upload whose photo arrived but whose event was lost is redriven from the photo', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ redriven: 1 });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'queued' });
    expect(h.store.touched).toEqual([key]);
  });

  it('a pending upload without its photo is left alone until its link has expired twice over, then failed with the reason', async () => {
    h = pipelineHarness({ config: { uploadUrlTtlSeconds: 3600 } });
    const { job, key } = await h.uploadedPhoto();
    h.store.objects.delete(key);
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ examined: 1, redriven: 0, failed: 0 });
    expect((await h.jobs.get(job.id))?.status).toBe('pending_upload');
    h.clock.advance(2 * 3600 * 1000);
    expect(await h.sweep()).toMatchObject({ failed: 1 });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'The photo never arrived: the upload link expired before it was used. Start a new upload.' });
    expect(h.events.statusesOf(job.id)).toEqual(['failed']);
  });

  it('a stuck job whose photo is gone is failed with the reason', async () => {
    h = pipelineHarness();
    const { job, photoKey, clipKey } = await generating(h);
    h.store.objects.delete(photoKey);
    h.store.objects.delete(clipKey);
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ failed: 1 });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'The source photo is no longer in the bucket, so the job cannot be restarted.' });
  });

  it('a stuck job out of attempts is failed, keeping its last error', async () => {
    h = pipelineHarness();
    const { job } = await generating(h);
    await h.jobs.updateWhere(job.id, ['generating'], { attempts: 3, error: 'Retrying after: LTX timed out' });
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ failed: 1, redriven: 0 });
    expect((await h.jobs.get(job.id))?.error).toBe('The job stopped responding and ran out of attempts (3). Retrying after: LTX timed out');
    expect(h.store.touched).toEqual([]);
  });

  it('leaves alone jobs that moved within the deadline, and finished ones', async () => {
    h = pipelineHarness();
    const { job } = await generating(h);
    const done = await generating(h);
    await h.render(done.clipKey);
    await h.webhook(await h.starter.complete());
    const failed = await h.uploadedPhoto();
    await h.jobs.updateWhere(failed.job.id, ['pending_upload'], { status: 'failed', error: 'x' });
    h.clock.advance(14 * MINUTE);
    expect(await h.sweep()).toEqual({ examined: 0, redriven: 0, failed: 0, errors: 0, reconciled: 0 });
    h.clock.advance(2 * MINUTE);
    expect(await h.sweep()).toMatchObject({ examined: 1 });
    expect(h.store.touched).toEqual([ltxVideoKey(USER, job.id)]);
  });

  it('at start-up takes everything older than the start as stuck (`olderThan`), whatever the deadline', async () => {
    h = pipelineHarness();
    const { clipKey } = await generating(h);
    h.clock.advance(1000);
    expect(await h.sweep(new Date(h.clock.now))).toMatchObject({ examined: 1, redriven: 1 });
    expect(h.store.touched).toEqual([clipKey]);
  });

  it('counts a job it could not handle and goes on with the others', async () => {
    h = pipelineHarness();
    const a = await generating(h);
    const b = await generating(h);
    h.store.fault = (op, key) => (op === 'touch' && key === a.clipKey ? new UpstreamError('s3', `S3 COPY of ${key} failed (500)`, { status: 500, retryable: true }) : undefined);
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ examined: 2, redriven: 1, errors: 1 });
    expect(h.store.touched).toEqual([b.clipKey]);
    expect(h.logger.lines.some((l) => l.message === 'stuck job not handled' && l.fields.jobId === a.job.id)).toBe(true);
  });
});

describe('sweepStuckJobs: the reconciler', () => {
  it('hands a finished render without its row back to the render step at once, which records it without rendering', async () => {
    h = pipelineHarness();
    const { job, clipKey } = await generating(h);
    await h.jobs.updateWhere(job.id, ['generating'], { status: 'rendering', attempts: 1, ltx_key: clipKey });
    await h.store.put(renderKey(USER, job.id), CLIP_BYTES, { contentType: 'video/mp4', metadata: { width: '1920', height: '1080', 'duration-seconds': '6' } });
    await h.store.put(thumbnailKey(USER, job.id), jpegBytes(), { contentType: 'image/jpeg' });
    // No deadline: the job changed a second ago.
    h.clock.advance(1000);
    expect(await h.sweep()).toEqual({ examined: 0, redriven: 0, failed: 0, errors: 0, reconciled: 1 });
    expect(h.store.touched).toEqual([clipKey]);
    expect(await h.render(clipKey, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.renderer.requests).toHaveLength(0);
    expect(await h.jobs.getGeneratedVideo(job.id)).toMatchObject({ resolution: '1920x1080', file_size_mb: 0 });
  });

  it('leaves a render in progress (one deliverable, or none) and a render whose clip is gone', async () => {
    h = pipelineHarness();
    const partial = await generating(h);
    await h.jobs.updateWhere(partial.job.id, ['generating'], { status: 'rendering' });
    await h.store.put(renderKey(USER, partial.job.id), CLIP_BYTES, { contentType: 'video/mp4' });
    const clipless = await generating(h);
    await h.jobs.updateWhere(clipless.job.id, ['generating'], { status: 'rendering' });
    await h.store.put(renderKey(USER, clipless.job.id), CLIP_BYTES, { contentType: 'video/mp4' });
    await h.store.put(thumbnailKey(USER, clipless.job.id), jpegBytes(), { contentType: 'image/jpeg' });
    h.store.objects.delete(clipless.clipKey);
    expect(await h.sweep()).toMatchObject({ reconciled: 0 });
    expect(h.store.touched).toEqual([]);
  });

  it('goes on with the restarts when the reconciler’s scan fails', async () => {
    h = pipelineHarness();
    await generating(h);
    h.jobs.fault = (op) => (op === 'listByStatus' ? new UpstreamError('supabase', 'database scan of video_jobs failed', { retryable: true }) : undefined);
    h.clock.advance(STUCK);
    expect(await h.sweep()).toMatchObject({ errors: 1, redriven: 1 });
  });
});
