import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { generatedVideos, signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

/**
 * Every fault of LTX and S3 ends a job as completed (after retries) or failed with a reason that
 * names the cause (the database too, while LTX works and when a photo lands; the database failing
 * when a render finishes is in database-faults.test.ts). These faults all strike before or around the render, which is not what is under
 * test here: the stack copies the clip as the "render" (CopyClipRenderer) so that a dozen jobs cost
 * seconds. Real renders under faults are in database-faults.test.ts and crash-restart.test.ts.
 */

let stack: LocalStack;
let logs: string[];
let photo: Buffer;
let token: string;
let copier: CopyClipRenderer;

beforeAll(async () => {
  ({ stack, logs } = await startTestStack({
    // The shortest client timeout the configuration allows; the hang test waits it out once.
    env: { LTX_TIMEOUT_SECONDS: '10', MAX_JOBS_PER_DAY: '0' },
    renderer: ({ store }) => (copier = new CopyClipRenderer(store)),
  }));
  photo = await readFile('remotion/public/sample/villa-small.jpg');
  token = (await signInUser(stack)).accessToken;
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  stack.ltx!.setFault(null);
  stack.objectStore.setFault(null);
  stack.supabase.setUnavailable(false);
});

/** Uploads a photo, waits for its end, and counts the LTX requests and renders it took. */
async function runJob(afterUpload: () => void = () => {}) {
  const ltxBefore = stack.ltx!.stats().requests;
  const rendersBefore = copier.rendered.length;
  const { jobId } = await uploadPhoto(stack, token, photo);
  afterUpload();
  const job = await waitForJobEnd(stack, jobId, 60_000);
  await stack.bus.idle();
  const jobLogs = logs.filter((line) => line.includes(jobId));
  return { job, ltxCalls: stack.ltx!.stats().requests - ltxBefore, renders: copier.rendered.length - rendersBefore, rows: await generatedVideos(stack, jobId), jobLogs };
}

describe('LTX faults', () => {
  it('429 with Retry-After: waits as told, then completes', async () => {
    stack.ltx!.setFault({ kind: 'rate_limit', retryAfterSeconds: 1, times: 2 });
    const { job, ltxCalls, renders, rows } = await runJob();
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(ltxCalls).toBe(3);
    expect(renders).toBe(1);
    expect(rows).toHaveLength(1);
    expect(logs.some((l) => l.includes('LTX attempt 1 of 4 failed, retrying in 1000 ms') && l.includes('"retryAfterMs":1000'))).toBe(true);
  });

  it('500: retries, then completes', async () => {
    stack.ltx!.setFault({ kind: 'server_error', status: 500, times: 1 });
    const { job, ltxCalls, rows } = await runJob();
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(ltxCalls).toBe(2);
    expect(rows).toHaveLength(1);
  });

  it('a hang past the client timeout: gives up on that request, retries, completes', async () => {
    stack.ltx!.setFault({ kind: 'hang', ms: 60_000, times: 1 });
    const { job, ltxCalls, rows } = await runJob();
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(ltxCalls).toBe(2);
    expect(rows).toHaveLength(1);
    expect(logs.some((l) => l.includes('LTX timed out: no answer within 10 s'))).toBe(true);
    // The abandoned request is over on the server side too: nothing still holds a slot.
    expect(stack.ltx!.stats().inFlight).toBe(0);
  });

  it('a truncated MP4: the cut is noticed, the clip is fetched again, completes', async () => {
    stack.ltx!.setFault({ kind: 'truncated', times: 1 });
    const { job, ltxCalls, rows } = await runJob();
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(ltxCalls).toBe(2);
    expect(rows).toHaveLength(1);
    // The stored clip is whole: the render step could read it (the copy is the clip itself).
    const clip = await stack.clients.store.getBytes(job.ltx_key!, 50 * 1024 * 1024);
    expect(clip.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(clip.includes(Buffer.from('moov'))).toBe(true);
  });

  it('a content refusal (400): fails at once with LTX’s reason, no retry, no render', async () => {
    stack.ltx!.setFault({ kind: 'content_refusal', status: 400, times: 1 });
    const { job, ltxCalls, renders, rows } = await runJob();
    expect(job.status).toBe('failed');
    expect(job.error).toBe('LTX rejected the request (content_filtered_error): Content is filtered due to policy restrictions');
    expect(ltxCalls).toBe(1);
    expect(renders).toBe(0);
    expect(rows).toHaveLength(0);
  });

  it('a rate limit that outlasts the retry budget: fails after the job’s attempts, naming it', async () => {
    // Retry-After beyond the client's 300 s budget: each attempt gives up at once.
    stack.ltx!.setFault({ kind: 'rate_limit', retryAfterSeconds: 400 });
    const { job, ltxCalls, rows } = await runJob();
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^Video generation failed after 3 attempts: LTX rate limit: gave up after 1 attempt over 0 s: waiting 400 s more \(Retry-After\) would pass the 300 s retry budget; last: 429 rate_limit_error/);
    expect(ltxCalls).toBe(3);
    expect(job.attempts).toBe(3);
    expect(rows).toHaveLength(0);
  });
});

describe('S3 faults', () => {
  it('500 on GET for longer than the SDK retries: the step is retried, completes', async () => {
    // The SDK tries 3 times; the 4th GET (the event's retry) succeeds.
    stack.objectStore.setFault({ kind: 'error', status: 500, code: 'InternalError', method: 'GET', times: 3 });
    const { job, rows, ltxCalls } = await runJob();
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(rows).toHaveLength(1);
    // The photo could not be read, so LTX was never asked until it could.
    expect(ltxCalls).toBe(1);
    expect(logs.some((l) => l.includes('ltx step failed, will retry') && /S3 GET of images\/.* failed \(500\)/.test(l))).toBe(true);
  });

  it('503 SlowDown on the clip’s PUT: the paid clip is uploaded again from disk, not asked of LTX again', async () => {
    // Switched on once the photo is in (the browser's PUT is not what is tested here). A streamed
    // body is not retried by the SDK: each fault fails one upload attempt.
    const { job, rows, ltxCalls } = await runJob(() => stack.objectStore.setFault({ kind: 'error', status: 503, code: 'SlowDown', method: 'PUT', times: 3 }));
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(rows).toHaveLength(1);
    expect(ltxCalls).toBe(1);
    expect(logs.filter((l) => l.includes('clip upload failed, retrying') && l.includes(job.id) && l.includes('failed (503)'))).toHaveLength(3);
  });

  it('503 SlowDown on the render’s PUTs, past the SDK’s own retries: the render step is retried, completes', async () => {
    copier.onRender = () => {
      copier.onRender = undefined;
      stack.objectStore.setFault({ kind: 'error', status: 503, code: 'SlowDown', method: 'PUT', times: 3 });
    };
    const { job, rows, jobLogs } = await runJob();
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(rows).toHaveLength(1);
    expect(jobLogs.some((l) => l.includes('render step failed, will retry') && /S3 PUT of renders\/.* failed \(503\)/.test(l))).toBe(true);
  });

  it('S3 failing for good: the job fails after its attempts, naming S3', async () => {
    stack.objectStore.setFault({ kind: 'error', status: 500, code: 'InternalError', method: 'GET' });
    const { job, ltxCalls, rows } = await runJob();
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^Video generation failed after 3 attempts: S3 GET of images\/[0-9a-f-]+\/[0-9a-f-]+\.jpg failed \(500\)/);
    expect(ltxCalls).toBe(0);
    expect(rows).toHaveLength(0);
  });
});

describe('the database down for a while', () => {
  it('while LTX works: the clip is kept, and the sweep past the deadline renders it without a new LTX call', async () => {
    stack.ltx!.setFault({ kind: 'hang', ms: 1500, times: 1 });
    const ltxBefore = stack.ltx!.stats();
    const { jobId } = await uploadPhoto(stack, token, photo);
    await expect.poll(async () => (await stack.clients.jobs.get(jobId))?.status, { timeout: 10_000, interval: 50 }).toBe('generating');
    stack.supabase.setUnavailable(true);
    // LTX answers and the clip is stored while the database is down; every retry of both events fails.
    await expect.poll(() => stack.ltx!.stats().completed, { timeout: 10_000 }).toBe(ltxBefore.completed + 1);
    await stack.bus.idle();
    stack.supabase.setUnavailable(false);
    const left = (await stack.clients.jobs.get(jobId))!;
    expect(left.status).toBe('generating');
    expect(await stack.clients.store.head(`ltx-videos/${left.user_id}/${jobId}.mp4`)).not.toBeNull();

    // What the sweeper does once the job has not moved for STUCK_JOB_MINUTES.
    await stack.sweep(new Date());
    const job = await waitForJobEnd(stack, jobId, 30_000);
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(stack.ltx!.stats().requests - ltxBefore.requests).toBe(1);
    expect(await generatedVideos(stack, jobId)).toHaveLength(1);
  });

  it('when the photo lands: the lost event is made up by the sweep, from the photo in the bucket', async () => {
    const res = await fetch(stack.info.uploadsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: photo.length }),
    });
    const ticket = (await res.json()) as { jobId: string; uploadUrl: string; headers: Record<string, string> };
    stack.supabase.setUnavailable(true);
    expect((await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(photo) })).status).toBe(200);
    await expect.poll(() => stack.bus.failures().some((f) => JSON.stringify(f.event).includes(ticket.jobId)), { timeout: 10_000 }).toBe(true);
    stack.supabase.setUnavailable(false);
    expect((await stack.clients.jobs.get(ticket.jobId))?.status).toBe('pending_upload');

    // The upload link has not expired, but the photo is there: the job is stuck, not waiting.
    const swept = await stack.sweep(new Date());
    expect(swept.redriven).toBeGreaterThanOrEqual(1);
    const job = await waitForJobEnd(stack, ticket.jobId, 30_000);
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(await generatedVideos(stack, ticket.jobId)).toHaveLength(1);
  });

  it('a pending upload whose photo has not come is left alone until its link has expired', async () => {
    const res = await fetch(stack.info.uploadsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: photo.length }),
    });
    const { jobId } = (await res.json()) as { jobId: string };
    await stack.sweep(new Date());
    expect((await stack.clients.jobs.get(jobId))?.status).toBe('pending_upload');
    // Twice the link's lifetime later, it is failed with the reason.
    const later = new Date(Date.now() + 2 * stack.config.uploadUrlTtlSeconds * 1000 + 1000);
    await stack.sweep(later, later);
    const job = (await stack.clients.jobs.get(jobId))!;
    expect(job.status).toBe('failed');
    expect(job.error).toBe('The photo never arrived: the upload link expired before it was used. Start a new upload.');
  });
});
