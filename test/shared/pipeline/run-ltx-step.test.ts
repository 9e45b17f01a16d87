import { afterEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../../../shared/domain/errors';
import { BUILTIN_JOB_DEFAULTS } from '../../../shared/domain/job-options';
import { ltxVideoKey } from '../../../shared/domain/keys';
import { LTX_PRICES_USD_PER_SECOND } from '../../../shared/domain/ltx/ltx-prices';
import { runLtxStep } from '../../../shared/pipeline/run-ltx-step';
import { databaseDown } from '../../helpers/memory-job-store';
import { blankPng, WEBP_8192 } from '../../helpers/image-bombs';
import { jpegBytes, OPERATOR_ID } from '../../helpers/pipeline-fakes';
import { OTHER_USER, pipelineHarness, USER, type PipelineHarness } from '../../helpers/pipeline-harness';

let h: PipelineHarness;
afterEach(async () => {
  vi.useRealTimers();
  await h?.generator.close();
});

/** Runs fake timers forward until `work` settles, letting real I/O (temp files) happen in between. */
async function withFakeTime<T>(work: Promise<T>): Promise<T> {
  let settled = false;
  work.then(() => (settled = true), () => (settled = true));
  while (!settled) {
    await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(50);
  }
  return work;
}

const retryable = (message = 'LTX server error: 500 api_error') => new UpstreamError('ltx', message, { status: 500, retryable: true });

describe('runLtxStep: an uploaded photo', () => {
  it('claims the job, calls LTX once with its options and stores the clip carrying them', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto({ title: 'Villa Été', subtitle: 'Bali', cameraMotion: 'jib_up', duration: 8 });

    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId: job.id });

    expect(h.generator.calls).toHaveLength(1);
    expect(h.generator.calls[0]!.imageUri).toMatch(/^data:image\/jpeg;base64,/);
    expect(h.generator.calls[0]!.options).toMatchObject({ title: 'Villa Été', subtitle: 'Bali', cameraMotion: 'jib_up', duration: 8, model: 'ltx-2-fast' });
    const clipKey = ltxVideoKey(USER, job.id);
    expect(h.store.objects.get(clipKey)?.metadata).toMatchObject({
      'job-id': job.id,
      'user-id': USER,
      'ltx-request-id': 'ltx-req-1',
      'source-key': key,
      title: 'Villa Été',
      'camera-motion': 'jib_up',
      duration: '8',
    });
    const stored = await h.jobs.get(job.id);
    expect(stored).toMatchObject({ status: 'generating', progress: 50, ltx_key: clipKey, ltx_request_id: 'ltx-req-1', attempts: 0, error: null });
    expect(stored!.source_etag).toBe(h.eventFor(key).detail.object.etag);
    expect(h.events.statusesOf(job.id)).toEqual(['generating']);
  });

  it('calls LTX no more for a second delivery, after the first or at the same time', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    const [a, b] = await Promise.all([h.ltx(key), h.ltx(key)]);
    expect([a.outcome, b.outcome].sort()).toEqual(['done', 'skipped']);
    expect(await h.ltx(key)).toEqual({ outcome: 'skipped', jobId: job.id, reason: 'job is already generating' });
    expect(h.generator.calls).toHaveLength(1);
    expect(h.jobs.jobs.size).toBe(1);
  });

  it('records the clip’s LTX cost (seconds × the price of its model and resolution) once, whatever is redelivered', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto({ duration: 8 });
    await Promise.all([h.ltx(key), h.ltx(key)]);
    await h.ltx(key);
    expect(h.generator.calls).toHaveLength(1);
    // ltx-2-fast at 1920x1080: $0.04 per second of output video.
    expect(await h.jobs.get(job.id)).toMatchObject({ ltx_cost_usd: 0.32, render_cost_usd: null });
  });

  it('prices the clip from the configured table (a deployment’s override, pro at 4K)', async () => {
    h = pipelineHarness({
      config: {
        jobDefaults: { ...BUILTIN_JOB_DEFAULTS, model: 'ltx-2-pro', resolution: '3840x2160' },
        ltxPrices: { ...LTX_PRICES_USD_PER_SECOND, 'ltx-2-pro': { ...LTX_PRICES_USD_PER_SECOND['ltx-2-pro'], '3840x2160': 0.2 } },
      },
    });
    const { job, key } = await h.uploadedPhoto({ duration: 10 });
    await h.ltx(key);
    expect((await h.jobs.get(job.id))?.ltx_cost_usd).toBe(2);
  });

  it('records the cost of a paid clip even when the render claimed the job before the clip was recorded', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto({ duration: 6 });
    // The clip's own event outran the step's last write: the render step moved the job on.
    h.generator.during = async () => {
      await h.jobs.updateWhere(job.id, ['generating'], { status: 'rendering' });
    };
    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'rendering', ltx_cost_usd: 0.24 });
  });

  it('records no LTX cost for a clip LTX refused', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    h.generator.failures.push(new UpstreamError('ltx', 'LTX refused the request: 422 content_filtered_error', { status: 422, retryable: false }));
    expect(await h.ltx(key)).toMatchObject({ outcome: 'failed' });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', ltx_cost_usd: null });
  });

  it('skips a key whose job belongs to another user or another key', async () => {
    h = pipelineHarness();
    const { job } = await h.uploadedPhoto({}, USER);
    const forged = `images/${OTHER_USER}/${job.id}.jpg`;
    await h.store.put(forged, jpegBytes(), { contentType: 'image/jpeg' });
    expect(await h.ltx(forged)).toEqual({ outcome: 'skipped', reason: `job ${job.id} belongs to another key` });
    expect(h.generator.calls).toHaveLength(0);
    expect((await h.jobs.get(job.id))?.status).toBe('pending_upload');
  });

  it('skips what is not a photo under images/', async () => {
    h = pipelineHarness();
    await h.store.put(ltxVideoKey(USER, crypto.randomUUID()), jpegBytes(), { contentType: 'video/mp4' });
    const [clipKey] = [...h.store.objects.keys()];
    expect(await h.ltx(clipKey!)).toEqual({ outcome: 'skipped', reason: `${clipKey} is not a photo under images/` });
  });
});

describe('runLtxStep: a photo dropped by hand', () => {
  it('makes its job (id from bucket, key and ETag; title from the name; the operator as owner) and generates', async () => {
    h = pipelineHarness();
    const { key, jobId } = await h.droppedPhoto('images/Villa Sunset été.jpg');
    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId });
    expect(await h.jobs.get(jobId)).toMatchObject({ origin: 'operator', user_id: OPERATOR_ID, source_key: key, status: 'generating', attempts: 0 });
    expect((await h.jobs.get(jobId))!.options.title).toBe('Villa Sunset Été');
    expect(h.events.statusesOf(jobId)).toEqual(['queued', 'generating']);
  });

  it('makes one job however often its event arrives, and a new job for new content under the same name', async () => {
    h = pipelineHarness();
    const first = await h.droppedPhoto('images/pool.jpg');
    await Promise.all([h.ltx(first.key), h.ltx(first.key), h.ltx(first.key)]);
    expect(h.jobs.jobs.size).toBe(1);
    expect(h.generator.calls).toHaveLength(1);

    // Same name, other bytes: S3 gives it another ETag, so it is another job; the first keeps its row.
    const second = await h.droppedPhoto('images/pool.jpg', jpegBytes(4096));
    expect(second.jobId).not.toBe(first.jobId);
    expect(await h.ltx(second.key)).toEqual({ outcome: 'done', jobId: second.jobId });
    expect(h.generator.calls).toHaveLength(2);
    expect((await h.jobs.get(first.jobId))?.source_key).toBe('images/pool.jpg');
  });

  it('takes the owner from its metadata first, then from an images/{userId}/ folder', async () => {
    h = pipelineHarness();
    const inFolder = await h.droppedPhoto(`images/${USER}/terrace.jpg`);
    const withMeta = await h.droppedPhoto(`images/${USER}/garden.jpg`, jpegBytes(), { 'user-id': OTHER_USER });
    const notAUser = await h.droppedPhoto('images/bob/garden.jpg');
    for (const p of [inFolder, withMeta, notAUser]) await h.ltx(p.key);
    expect((await h.jobs.get(inFolder.jobId))?.user_id).toBe(USER);
    expect((await h.jobs.get(withMeta.jobId))?.user_id).toBe(OTHER_USER);
    expect((await h.jobs.get(notAUser.jobId))?.user_id).toBe(OPERATOR_ID);
  });

  it('uses the options the operator set as metadata', async () => {
    h = pipelineHarness();
    const { key, jobId } = await h.droppedPhoto('images/x.jpg', jpegBytes(), { title: 'Casa Azul', duration: '10', 'camera-motion': 'dolly_left', 'music-file': 'ocean-breeze.mp3' });
    await h.ltx(key);
    expect((await h.jobs.get(jobId))!.options).toMatchObject({ title: 'Casa Azul', duration: 10, cameraMotion: 'dolly_left', musicFile: 'ocean-breeze.mp3' });
  });

  it('records invalid metadata as a failed job that names the field, without calling LTX, once', async () => {
    h = pipelineHarness();
    const { key, jobId } = await h.droppedPhoto('images/bad-meta.jpg', jpegBytes(), { duration: 'seven' });
    const expected = 'The photo\'s metadata is invalid: duration: must be a whole number of seconds (got "seven")';
    expect(await h.ltx(key)).toEqual({ outcome: 'skipped', reason: expected });
    expect(await h.jobs.get(jobId)).toMatchObject({ status: 'failed', error: expected, origin: 'operator' });
    expect(await h.ltx(key)).toEqual({ outcome: 'skipped', jobId, reason: 'job is already failed' });
    expect(h.generator.calls).toHaveLength(0);
    expect(h.events.statusesOf(jobId)).toEqual(['failed']);
  });

  it('skips a photo deleted before its event came', async () => {
    h = pipelineHarness();
    const { key } = await h.droppedPhoto('images/gone.jpg');
    const event = h.objectAt(key);
    h.store.objects.delete(key);
    expect(await runLtxStep(h.ltxDeps, event)).toEqual({ outcome: 'skipped', reason: 'images/gone.jpg no longer exists' });
    expect(h.jobs.jobs.size).toBe(0);
  });
});

describe('runLtxStep: photos that cannot be used fail before any paid call', () => {
  it.each([
    ['a text file named .jpg', Buffer.from('this is plain text, not a photo'), /^The file is not a JPEG, PNG or WebP image/],
    ['a zero-byte file', Buffer.alloc(0), /^The photo is empty \(0 bytes\)/],
    ['a photo over 15 MB', jpegBytes(15 * 1024 * 1024 + 1), /^The photo is 15\.0 MB; the limit is 15 MB/],
    // Decompression bombs, refused by their headers: nothing decodes them.
    ['a 34-byte WebP declaring 8192x8192', WEBP_8192, /^The photo is 8192x8192 pixels \(67\.1 megapixels\); the limit is 50 megapixels/],
    ['a 32 KB PNG declaring 16000x16000', blankPng(16000), /^The photo is 16000x16000 pixels/],
    ['a JPEG whose header is cut before its size', jpegBytes(2048).subarray(0, 6), /^The photo is damaged/],
  ])('%s: the job fails with the reason', async (_name, bytes, reason) => {
    h = pipelineHarness();
    const { key, jobId } = await h.droppedPhoto('images/candidate.jpg', bytes);
    expect(await h.ltx(key)).toMatchObject({ outcome: 'failed', jobId });
    expect((await h.jobs.get(jobId))?.error).toMatch(reason);
    expect((await h.jobs.get(jobId))?.status).toBe('failed');
    expect(h.generator.calls).toHaveLength(0);
  });

  it('reads no byte of an oversized photo: its size on the HEAD refuses it', async () => {
    h = pipelineHarness();
    const { key } = await h.droppedPhoto('images/huge.jpg', jpegBytes(16 * 1024 * 1024));
    const reads: string[] = [];
    h.store.fault = (op, k) => {
      if (op === 'getBytes') reads.push(k);
      return undefined;
    };
    await h.ltx(key);
    expect(reads).toEqual([]);
  });

  it('sends a photo too large for an inline data URI (6 MB) by a presigned URL', async () => {
    h = pipelineHarness();
    const { key } = await h.droppedPhoto('images/large.jpg', jpegBytes(6 * 1024 * 1024));
    expect((await h.ltx(key)).outcome).toBe('done');
    expect(h.generator.calls[0]!.imageUri).toBe(await h.store.presignGet(key));
  });
});

describe('runLtxStep: retries', () => {
  it('a transient LTX failure releases the claim and throws, so the retried delivery generates', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    h.generator.failures.push(retryable());
    await expect(h.ltx(key)).rejects.toThrow('LTX server error: 500 api_error');
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'queued', attempts: 1, progress: 0, error: 'Retrying after: The video generation service was busy or unavailable. Try again later.' });
    // The row has the user's sentence; the log has LTX's own words.
    expect(h.logger.lines.find((l) => l.message === 'ltx step failed, will retry')?.fields.error).toBe('LTX server error: 500 api_error');

    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'generating', error: null, attempts: 0 });
    expect(h.generator.calls).toHaveLength(2);
    expect(h.logger.lines.some((l) => l.message === 'ltx step failed, will retry' && l.fields.attempt === 1)).toBe(true);
  });

  it('a refusal LTX will repeat fails the job at once, telling the user what it means: no retry', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    const refusal = 'LTX rejected the request (content_filtered_error): Content is filtered due to policy restrictions';
    h.generator.failures.push(new UpstreamError('ltx', refusal, { status: 422, retryable: false, code: 'content_filtered_error' }));
    expect(await h.ltx(key)).toEqual({ outcome: 'failed', jobId: job.id, reason: refusal });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', error: 'The video generation service refused this photo or its text under its content policy. Try another photo.', attempts: 1 });
    expect(h.events.statusesOf(job.id)).toEqual(['generating', 'failed']);
    expect(await h.ltx(key)).toMatchObject({ outcome: 'skipped', reason: 'job is already failed' });
    expect(h.generator.calls).toHaveLength(1);
  });

  it('fails the job naming the attempts once every attempt failed, and calls LTX no more', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    h.generator.failures.push(retryable(), retryable(), retryable('LTX rate limit: gave up after 1 attempt'));
    await expect(h.ltx(key)).rejects.toThrow();
    await expect(h.ltx(key)).rejects.toThrow();
    expect(await h.ltx(key)).toMatchObject({ outcome: 'failed', jobId: job.id });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', attempts: 3, error: 'Video generation failed after 3 attempts: The video generation service was busy or unavailable. Try again later.' });
    await h.ltx(key);
    expect(h.generator.calls).toHaveLength(3);
  });

  it('fails a job whose attempts are spent before calling LTX', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    await h.jobs.updateWhere(job.id, ['pending_upload'], { status: 'queued', attempts: 3, error: 'Retrying after: timeout' });
    expect(await h.ltx(key)).toEqual({ outcome: 'failed', jobId: job.id, reason: 'attempts exhausted' });
    expect((await h.jobs.get(job.id))?.error).toBe('Video generation gave up after 3 attempts. Retrying after: timeout');
    expect(h.generator.calls).toHaveLength(0);
  });

  it('uploads a paid clip again from disk when S3 refuses the PUT, without asking LTX again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    let refusals = 3;
    h.store.fault = (op, k) => (op === 'put' && k.startsWith('ltx-videos/') && refusals-- > 0 ? new UpstreamError('s3', `S3 PUT of ${k} failed (503)`, { status: 503, retryable: true }) : undefined);
    expect(await withFakeTime(h.ltx(key))).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.generator.calls).toHaveLength(1);
    expect(h.logger.lines.filter((l) => l.message === 'clip upload failed, retrying').map((l) => l.fields.delayMs)).toEqual([250, 500, 1000]);
    expect(h.store.objects.has(ltxVideoKey(USER, job.id))).toBe(true);
  });

  it('a photo S3 cannot read for now is retried as a whole delivery, LTX not called until it can be read', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto();
    h.store.fault = (op) => (op === 'getBytes' ? new UpstreamError('s3', `S3 GET of ${key} failed (500)`, { status: 500, retryable: true }) : undefined);
    await expect(h.ltx(key)).rejects.toThrow(`S3 GET of ${key} failed (500)`);
    expect(h.generator.calls).toHaveLength(0);
    h.store.fault = undefined;
    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId: job.id });
  });

  it('writes nothing when the database is down as the photo lands, so the redelivery starts clean', async () => {
    h = pipelineHarness();
    const { key, jobId } = await h.droppedPhoto('images/db-down.jpg');
    h.jobs.fault = () => databaseDown('insert of video_jobs');
    await expect(h.ltx(key)).rejects.toMatchObject({ retryable: true });
    expect(h.jobs.jobs.size).toBe(0);
    h.jobs.fault = undefined;
    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId });
  });
});

describe('runLtxStep: one clip per orientation', () => {
  it('16:9, 9:16 and 1:1 make two generations (landscape, then portrait from the portrait model) and two clips', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto({ formats: ['16:9', '9:16', '1:1'], duration: 8, cameraMotion: 'jib_up' });
    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId: job.id });

    expect(h.generator.calls.map((c) => c.clip)).toEqual([
      { orientation: 'landscape', model: 'ltx-2-fast', resolution: '1920x1080', fps: 25, duration: 8, formats: ['16:9'] },
      { orientation: 'portrait', model: 'ltx-2-3-fast', resolution: '1080x1920', fps: 25, duration: 8, formats: ['9:16', '1:1'] },
    ]);
    // Same photo, prompt and motion for both.
    expect(new Set(h.generator.calls.map((c) => c.imageUri)).size).toBe(1);
    expect(h.generator.calls.every((c) => c.options.cameraMotion === 'jib_up')).toBe(true);
    const landscape = ltxVideoKey(USER, job.id, 'landscape');
    const portrait = ltxVideoKey(USER, job.id, 'portrait');
    expect([...h.store.objects.keys()].filter((k) => k.startsWith('ltx-videos/')).sort()).toEqual([landscape, portrait].sort());
    expect(h.store.objects.get(portrait)?.metadata).toMatchObject({
      'job-id': job.id,
      'ltx-request-id': 'ltx-req-2',
      orientation: 'portrait',
      'ltx-model': 'ltx-2-3-fast',
      'ltx-resolution': '1080x1920',
      formats: '16:9,9:16,1:1',
    });
    expect(h.store.objects.get(landscape)?.metadata).toMatchObject({ orientation: 'landscape', 'ltx-model': 'ltx-2-fast', 'ltx-request-id': 'ltx-req-1' });
    // The bookkeeping once, naming the first clip; the cost is both clips': 8 s × $0.04 + 8 s × $0.06.
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'generating', progress: 50, ltx_key: landscape, ltx_request_id: 'ltx-req-1', attempts: 0, ltx_cost_usd: 0.8 });
  });

  it('a 9:16-only job makes one portrait generation, and its clip is the job’s ltx_key', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto({ formats: ['9:16'] });
    await h.ltx(key);
    expect(h.generator.calls.map((c) => [c.clip.orientation, c.clip.model, c.clip.resolution])).toEqual([['portrait', 'ltx-2-3-fast', '1080x1920']]);
    expect(h.store.objects.has(ltxVideoKey(USER, job.id, 'landscape'))).toBe(false);
    // 6 s × $0.06 (ltx-2-3-fast at 1080x1920).
    expect(await h.jobs.get(job.id)).toMatchObject({ ltx_key: ltxVideoKey(USER, job.id, 'portrait'), ltx_cost_usd: 0.36 });
  });

  it('a retry after the portrait generation failed asks only for the portrait clip, and counts both in the cost', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto({ formats: ['16:9', '4:5'] });
    h.generator.during = async () => {
      // The second call (portrait) fails after the landscape clip was stored.
      if (h.generator.calls.length === 2) h.generator.failures.push(retryable());
    };
    await expect(h.ltx(key)).rejects.toThrow('LTX server error: 500 api_error');
    expect(h.store.objects.has(ltxVideoKey(USER, job.id, 'landscape'))).toBe(true);
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'queued', ltx_cost_usd: null });

    h.generator.during = undefined;
    expect(await h.ltx(key)).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.generator.calls.map((c) => c.clip.orientation)).toEqual(['landscape', 'portrait', 'portrait']);
    // The stored clip keeps the request id it was made with; the cost counts it (it was paid for).
    expect(await h.jobs.get(job.id)).toMatchObject({ ltx_key: ltxVideoKey(USER, job.id), ltx_request_id: 'ltx-req-1', ltx_cost_usd: 0.6 });
  });

  it('a duplicate delivery of a two-clip job asks LTX for nothing more', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto({ formats: ['16:9', '9:16'] });
    await Promise.all([h.ltx(key), h.ltx(key)]);
    expect(await h.ltx(key)).toEqual({ outcome: 'skipped', jobId: job.id, reason: 'job is already generating' });
    expect(h.generator.calls).toHaveLength(2);
  });

  it('a portrait clip LTX refuses for good fails the job, recording the landscape clip that was paid for', async () => {
    h = pipelineHarness();
    const { job, key } = await h.uploadedPhoto({ formats: ['16:9', '9:16'], duration: 10 });
    h.generator.during = async () => {
      if (h.generator.calls.length === 2) h.generator.failures.push(new UpstreamError('ltx', 'LTX refused the request: 422 content_filtered_error', { status: 422, retryable: false }));
    };
    expect(await h.ltx(key)).toMatchObject({ outcome: 'failed', jobId: job.id });
    // 10 s × $0.04: the landscape clip only.
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', ltx_cost_usd: 0.4 });
  });

  it('takes the portrait model from the deployment (LTX_PORTRAIT_MODEL)', async () => {
    h = pipelineHarness({ config: { jobDefaults: { ...BUILTIN_JOB_DEFAULTS, portraitModel: 'ltx-2-3-pro' } } });
    const { job, key } = await h.uploadedPhoto({ formats: ['9:16'], duration: 10 });
    await h.ltx(key);
    expect(h.generator.calls[0]!.clip).toMatchObject({ model: 'ltx-2-3-pro', resolution: '1080x1920' });
    expect((await h.jobs.get(job.id))?.ltx_cost_usd).toBe(0.8);
  });
});
