import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { LocalStack } from '../../../local/stack';
import { MAX_IMAGE_BYTES } from '../../../shared/domain/image-check';
import { createVideoClient, JobFailedError, RequestError, ValidationError, watchJob, type ConnectionState, type VideoClient, type VideoJob } from '../../../web/client';
import { CopyClipRenderer } from '../../helpers/copy-clip-renderer';
import { finishWithFormats, renderingJob } from '../finish-with-formats';
import { SAMPLE_PHOTO, signedInUser, startTestStack } from '../stack-fixture';

const TEXT_AS_JPEG = new File(['these are my notes, not a photo'], 'villa.jpg', { type: 'image/jpeg' });

let stack: LocalStack;
let supabase: SupabaseClient;
let client: VideoClient;
let token: string;
let failedJobId = '';
let completedJobId = '';

beforeAll(async () => {
  // The client is under test, not Remotion: the "render" copies the clip (a real one: test/web/app/page.test.ts).
  stack = await startTestStack({ renderer: ({ store }) => new CopyClipRenderer(store) });
  const user = await signedInUser(stack);
  supabase = user.supabase;
  client = createVideoClient({ supabase, uploadsUrl: stack.info.uploadsUrl });
  token = (await supabase.auth.getSession()).data.session!.access_token;
});
afterAll(async () => {
  await supabase?.removeAllChannels();
  await stack?.stop();
});

/** What the upload endpoint answers for a body, bypassing the client's checks. */
async function askUploads(body: Record<string, unknown>) {
  const res = await fetch(stack.info.uploadsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { jobId: string; uploadUrl: string; headers: Record<string, string>; error?: { message: string } } };
}

describe('submit refuses what the pipeline would refuse, in its words, before any request', () => {
  it('a text file renamed .jpg: the same reason the pipeline records when it gets one anyway', async () => {
    const refused = await client.submit(TEXT_AS_JPEG, {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);

    // The same bytes sent past the client: the endpoint signs them, the LTX step fails the job.
    const text = Buffer.from(await TEXT_AS_JPEG.arrayBuffer());
    const ticket = await askUploads({ filename: 'villa.jpg', contentType: 'image/jpeg', size: text.length });
    expect(ticket.status).toBe(201);
    const watching = watchJob(supabase, ticket.body.jobId);
    const put = await fetch(ticket.body.uploadUrl, { method: 'PUT', headers: ticket.body.headers, body: text });
    expect(put.status).toBe(200);
    const failure = await watching.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JobFailedError);
    expect((failure as JobFailedError).job.status).toBe('failed');
    expect((failure as Error).message).toBe((refused as Error).message);
    failedJobId = (failure as JobFailedError).jobId;
  });

  it('a photo over 15 MB: the message POST /uploads answers for that size', async () => {
    const jpegHead = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    const big = new File([jpegHead, new Uint8Array(MAX_IMAGE_BYTES + 1 - jpegHead.length)], 'huge.jpg', { type: 'image/jpeg' });
    const refused = await client.submit(big, {}).catch((e: unknown) => e);
    const server = await askUploads({ filename: 'huge.jpg', contentType: 'image/jpeg', size: big.size });
    expect(server.status).toBe(400);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as Error).message).toBe(server.body.error!.message);
  });
});

describe('watch never misses the end', () => {
  it('resolves with the row across a cut Realtime connection, and again when started after the end', async () => {
    const photo = new File([await readFile(SAMPLE_PHOTO)], 'villa-small.jpg', { type: 'image/jpeg' });
    const fractions: number[] = [];
    const jobId = await client.submit(photo, { title: 'Casa Watch', duration: 6 }, { onUploadProgress: (p) => fractions.push(p.fraction) });
    expect(fractions.at(-1)).toBe(1);

    const seen: VideoJob[] = [];
    const states: ConnectionState[] = [];
    let cut: () => void = () => undefined;
    const cutOnce = new Promise<void>((resolve) => (cut = resolve));
    const watching = client.watch(jobId, {
      onConnection: (s) => states.push(s),
      onChange: (job) => {
        seen.push(job);
        if (job.status === 'generating') cut();
      },
    });
    // Cut the socket while the job is mid-way, and restore it only once the job has ended: every
    // change in between is lost to Realtime, so only the read after resubscribing can see the end.
    await cutOnce;
    supabase.realtime.disconnect();
    for (let job = await stack.clients.jobs.get(jobId); job?.status !== 'completed'; job = await stack.clients.jobs.get(jobId)) {
      expect(job?.status).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 500));
    }
    supabase.realtime.connect();
    const done = await watching;
    const row = done.video;

    expect(row).toMatchObject({ id: jobId, title: 'Casa Watch', duration_seconds: 6, format: '16:9' });
    expect(done.videos).toEqual([row]);
    expect(done).toMatchObject({ failures: [], job: { id: jobId, status: 'completed' } });
    expect(row.video_url).toMatch(/\/media\/renders\//);
    expect(states.filter((s) => s === 'live').length).toBeGreaterThanOrEqual(2);
    expect(seen.map((j) => j.status)).toContain('generating');

    const afterTheEnd = await client.watch(jobId);
    expect(afterTheEnd.videos).toEqual(done.videos);
    completedJobId = jobId;
  }, 240_000);
});

describe('formats', () => {
  it('submit sends the formats asked for: the job stores them in the canonical order', async () => {
    const photo = new File([await readFile(SAMPLE_PHOTO)], 'villa-small.jpg', { type: 'image/jpeg' });
    const bodies: unknown[] = [];
    const recording = createVideoClient({
      supabase,
      uploadsUrl: stack.info.uploadsUrl,
      fetch: (url, init) => {
        if (String(url) === stack.info.uploadsUrl) bodies.push(JSON.parse(String(init?.body)));
        return fetch(url, init);
      },
    });
    const jobId = await recording.submit(photo, { title: 'Casa Formats', duration: 6, formats: ['9:16', '16:9'] });
    expect(bodies).toEqual([expect.objectContaining({ formats: ['16:9', '9:16'] })]);
    expect((await stack.clients.jobs.get(jobId))?.options.formats).toEqual(['16:9', '9:16']);

    const refused = await client.submit(photo, { formats: [] as never }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as Error).message).toMatch(/formats/);
  });

  it('watch resolves with every format made, and a partly failed job as a partial result naming the failed format', async () => {
    const user = (await supabase.auth.getUser()).data.user!.id;
    const job = await renderingJob(stack, user, ['1:1', '16:9', '9:16', '4:5']);
    const changes: VideoJob[] = [];
    const watching = client.watch(job.id, { onChange: (j) => changes.push(j) });
    await new Promise((r) => setTimeout(r, 300));
    const { ids } = await finishWithFormats(stack, job.id, { made: ['16:9', '4:5', '1:1'], failed: { '9:16': 'Remotion Lambda timed out twice.' } });
    const done = await watching;

    expect(done.videos.map((v) => [v.id, v.format, v.resolution])).toEqual([
      [job.id, '16:9', '320x180'],
      [ids[1], '4:5', '180x226'],
      [ids[2], '1:1', '180x180'],
    ]);
    expect(done.video).toBe(done.videos[0]);
    expect(done.failures).toEqual([{ format: '9:16', reason: 'The 9:16 video could not be made: Remotion Lambda timed out twice.' }]);
    expect(done.job).toMatchObject({ status: 'completed', generated_video_ids: ids, error: 'The 9:16 video could not be made: Remotion Lambda timed out twice.' });
    expect(changes.at(-1)?.status).toBe('completed');

    // The library lists each format's row with its format.
    const listed = await client.listVideos();
    expect(listed.filter((v) => ids.includes(v.id)).map((v) => v.format).sort()).toEqual(['16:9', '1:1', '4:5']);
  });
});

describe('replay (POST /jobs/{jobId}/replay)', () => {
  it("is refused for someone else's job as if it did not exist, and without a token", async () => {
    expect(failedJobId).not.toBe('');
    const other = await signedInUser(stack);
    const otherClient = createVideoClient({ supabase: other.supabase, uploadsUrl: stack.info.uploadsUrl });
    const refused = await otherClient.replay(failedJobId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RequestError);
    expect(refused).toMatchObject({ status: 404, code: 'not_found', message: `No job ${failedJobId} was found.` });
    const anonymous = await fetch(`${stack.info.webUrl}/jobs/${failedJobId}/replay`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect((await stack.clients.jobs.get(failedJobId))?.status).toBe('failed');
  });

  it("runs the owner's failed job again from its photo, through a new Object Created event", async () => {
    const before = await stack.clients.jobs.get(failedJobId);
    const watching = new Promise<VideoJob[]>((resolve) => {
      const seen: VideoJob[] = [];
      // Watch from the replay on: the job goes back to queued and fails again on the same bytes.
      void client.replay(failedJobId).then(() =>
        client.watch(failedJobId, { onChange: (j) => seen.push(j) }).catch(() => resolve(seen)),
      );
    });
    const seen = await watching;
    const after = await stack.clients.jobs.get(failedJobId);
    expect(after).toMatchObject({ status: 'failed', error: before!.error, attempts: 1 });
    expect(Date.parse(after!.updated_at)).toBeGreaterThan(Date.parse(before!.updated_at));
    expect(seen.at(-1)?.status).toBe('failed');
  });

  it('is refused for a job that has not failed', async () => {
    const jobId = completedJobId;
    expect(jobId).not.toBe('');
    const refused = await client.replay(jobId).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409, code: 'job_state', message: `Job ${jobId} is completed; only a failed job can be replayed.` });
  });
});
