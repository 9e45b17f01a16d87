import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { derivedJobId } from '../../shared/domain/derived-job-id';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { generatedVideos, signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

/**
 * Faults of LTX, S3 and the database across the real clients, servers and event bus: each job ends
 * completed (after retries) or failed with a reason that names the cause. Only what the whole stack
 * shows is here: the SDK's and the LTX client's own retries under the step's, the errors the real
 * clients raise, events lost while the database is down. How the LTX client retries (429, 500,
 * hangs, truncated bodies) is in test/shared/adapters/ltx/ltx-client.test.ts; how the steps retry,
 * give up and restart is in test/shared/pipeline/. Rendering is not under test: the stack copies the
 * clip as the "render" (CopyClipRenderer). The database failing as a render finishes is in
 * database-faults.test.ts; a real render under a crash is in crash-restart.test.ts.
 */

let stack: LocalStack;
let logs: string[];
let photo: Buffer;
let token: string;
let copier: CopyClipRenderer;

beforeAll(async () => {
  ({ stack, logs } = await startTestStack({
    env: { MAX_JOBS_PER_DAY: '0' },
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
  await stack.idle();
  const jobLogs = logs.filter((line) => line.includes(jobId));
  return { job, ltxCalls: stack.ltx!.stats().requests - ltxBefore, renders: copier.rendered.length - rendersBefore, rows: await generatedVideos(stack, jobId), jobLogs };
}

describe('LTX faults', () => {
  it('a content refusal (400): fails at once saying what it means, no retry, no render', async () => {
    stack.ltx!.setFault({ kind: 'content_refusal', status: 400, times: 1 });
    const { job, ltxCalls, renders, rows } = await runJob();
    expect(job.status).toBe('failed');
    expect(job.error).toBe('The video generation service refused this photo or its text under its content policy. Try another photo.');
    expect(ltxCalls).toBe(1);
    expect(renders).toBe(0);
    expect(rows).toHaveLength(0);
  });

  it('a rate limit that outlasts the retry budget: fails after the job’s attempts; LTX’s words in the log', async () => {
    // Retry-After beyond the client's 300 s budget: each attempt gives up at once.
    stack.ltx!.setFault({ kind: 'rate_limit', retryAfterSeconds: 400 });
    const { job, ltxCalls, rows, jobLogs } = await runJob();
    expect(jobLogs.some((l) => l.includes('waiting 400 s more (Retry-After) would pass the 300 s retry budget; last: 429 rate_limit_error'))).toBe(true);
    expect(job.status).toBe('failed');
    expect(job.error).toBe('Video generation failed after 3 attempts: The video generation service was busy or unavailable. Try again later.');
    expect(ltxCalls).toBe(3);
    expect(job.attempts).toBe(3);
    expect(rows).toHaveLength(0);
  });
});

describe('a photo too large for an inline data URI', () => {
  it('(6 MB) is sent to LTX as a presigned GET the stand-in fetches from the local S3, and completes', async () => {
    // A valid JPEG followed by padding after its end marker: decoders stop at the marker.
    const large = Buffer.concat([photo, Buffer.alloc(6 * 1024 * 1024 - photo.length)]);
    const key = 'images/large-photo.jpg';
    const put = await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.info.bucket, Key: key, Body: large, ContentType: 'image/jpeg' }));
    const job = await waitForJobEnd(stack, derivedJobId(stack.info.bucket, key, put.ETag!), 60_000);
    expect(job).toMatchObject({ status: 'completed', error: null });
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

  it('503 SlowDown on the render’s PUTs, past the SDK’s own retries: an error webhook, the render is started again, completes', async () => {
    copier.onRender = () => {
      copier.onRender = undefined;
      stack.objectStore.setFault({ kind: 'error', status: 503, code: 'SlowDown', method: 'PUT', times: 3 });
    };
    const { job, rows, jobLogs } = await runJob();
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(rows).toHaveLength(1);
    expect(jobLogs.some((l) => l.includes('render failed, will retry') && /Remotion failed to render: S3 PUT of renders\/.* failed \(503\)/.test(l))).toBe(true);
  });

  it('S3 failing for good: the job fails after its attempts, naming storage', async () => {
    stack.objectStore.setFault({ kind: 'error', status: 500, code: 'InternalError', method: 'GET' });
    const { job, ltxCalls, rows } = await runJob();
    expect(job.status).toBe('failed');
    expect(job.error).toBe('Video generation failed after 3 attempts: The photo or video could not be read or written in storage. Try again later.');
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
    await stack.idle();
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
    // Every receive of the photo's event fails; after maxReceiveCount it is in the LTX dead-letter queue.
    await expect.poll(() => stack.queues.peek(stack.routes.queueNames.ltx!.deadLetterQueue).some((m) => m.body.includes(ticket.jobId)), { timeout: 40_000 }).toBe(true);
    stack.supabase.setUnavailable(false);
    expect((await stack.clients.jobs.get(ticket.jobId))?.status).toBe('pending_upload');

    // The upload link has not expired, but the photo is there: the job is stuck, not waiting.
    const swept = await stack.sweep(new Date());
    expect(swept.redriven).toBeGreaterThanOrEqual(1);
    const job = await waitForJobEnd(stack, ticket.jobId, 30_000);
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(await generatedVideos(stack, ticket.jobId)).toHaveLength(1);
  });

});
