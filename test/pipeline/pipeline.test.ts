import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { LocalStack } from '../../local/stack';
import { buildObjectCreatedEvent } from '../../shared/domain/object-created-event';
import { derivedJobId } from '../../shared/domain/derived-job-id';
import type { GeneratedVideo } from '../../shared/domain/video-job';
import { generatedVideos, signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

let stack: LocalStack;
let photo: Buffer;

beforeAll(async () => {
  ({ stack } = await startTestStack());
  photo = await readFile('remotion/public/sample/villa-small.jpg');
});
afterAll(async () => {
  await stack?.stop();
});

async function putObject(key: string, body: Uint8Array, contentType = 'image/jpeg', metadata: Record<string, string> = {}) {
  return stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.info.bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata }));
}

describe('the pipeline on the local stack', () => {
  it('turns a presigned upload into a generated_videos row heard over Realtime', async () => {
    const user = await signInUser(stack);
    const heard: GeneratedVideo[] = [];
    const statuses: string[] = [];
    const subscribed = new Promise<void>((resolve) => {
      user.client
        .channel('videos')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'generated_videos' }, (p) => heard.push(p.new as GeneratedVideo))
        .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'video_jobs' }, (p) => statuses.push((p.new as { status: string }).status))
        .subscribe((status) => status === 'SUBSCRIBED' && resolve());
    });
    await subscribed;

    const { jobId } = await uploadPhoto(stack, user.accessToken, photo, { title: 'Villa Été', subtitle: 'Bali', cameraMotion: 'jib_up', musicFile: 'ocean-breeze.mp3' });
    const job = await waitForJobEnd(stack, jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    await expect.poll(() => heard.length, { timeout: 10_000 }).toBe(1);

    const row = heard[0]!;
    expect(row).toMatchObject({
      id: jobId,
      user_id: user.userId,
      title: 'Villa Été',
      subtitle: 'Bali',
      resolution: '320x180',
      music_file: 'ocean-breeze.mp3',
      status: 'completed',
      duration_seconds: 6,
      filename: `${jobId}.mp4`,
    });
    expect(row.file_size_mb).toBeGreaterThan(0);
    expect(row.generation_time_seconds).toBeGreaterThan(0);
    expect(row.camera_prompt.length).toBeGreaterThan(0);
    expect(statuses).toEqual(expect.arrayContaining(['generating', 'rendering', 'completed']));
    // The stored URLs serve the deliverables.
    const video = await fetch(row.video_url);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    const bytes = new Uint8Array(await video.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ftyp');
    expect(Math.abs(bytes.length / 1048576 - Number(row.file_size_mb))).toBeLessThan(0.01);
    const poster = await fetch(row.thumbnail_url);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    await user.client.removeAllChannels();
  });

  it('makes a job for a photo dropped by hand with no metadata, titled from its name', async () => {
    const key = 'images/Villa Sunset été.jpg';
    const put = await putObject(key, photo);
    const jobId = derivedJobId(stack.info.bucket, key, put.ETag!);
    const job = await waitForJobEnd(stack, jobId);
    expect(job).toMatchObject({ status: 'completed', origin: 'operator', user_id: stack.config.operatorUserId, source_key: key });
    expect(job.options.title).toBe('Villa Sunset Été');
    expect(await generatedVideos(stack, jobId)).toHaveLength(1);
  });

  it('calls LTX once, renders once and writes one row when each event arrives three times at once', async () => {
    const key = 'images/duplicate-delivery.jpg';
    const requestsBefore = stack.ltx!.stats().requests;
    const renderBefore = stack.bus.stats().render?.invoked ?? 0;
    const put = await putObject(key, photo);
    const event = buildObjectCreatedEvent({ bucket: stack.info.bucket, key, size: photo.length, etag: put.ETag!, sequencer: '0A', reason: 'PutObject' });
    // The store's own notification is the first delivery; two more copies arrive concurrently.
    stack.bus.putEvent(event);
    stack.bus.putEvent(event);
    const jobId = derivedJobId(stack.info.bucket, key, put.ETag!);
    const job = await waitForJobEnd(stack, jobId);
    expect(job.status).toBe('completed');
    // Deliver the clip's event three more times after the fact: nothing renders again.
    const ltxKey = job.ltx_key!;
    const head = await stack.clients.store.head(ltxKey);
    const clipEvent = buildObjectCreatedEvent({ bucket: stack.info.bucket, key: ltxKey, size: head!.size, etag: head!.etag!, sequencer: '0B', reason: 'PutObject' });
    for (let i = 0; i < 3; i++) stack.bus.putEvent(clipEvent);
    await stack.bus.idle();
    expect(stack.ltx!.stats().requests - requestsBefore).toBe(1);
    expect(await generatedVideos(stack, jobId)).toHaveLength(1);
    // One real render (the clip's first event) and three more deliveries that found the job done.
    expect((stack.bus.stats().render?.invoked ?? 0) - renderBefore).toBe(4);
    expect((await stack.clients.jobs.get(jobId))!.status).toBe('completed');
  });

  it('sends a photo too large for an inline data URI (6 MB) by presigned URL, and completes', async () => {
    // A valid JPEG followed by padding after its end marker: decoders stop at the marker.
    const large = Buffer.concat([photo, Buffer.alloc(6 * 1024 * 1024 - photo.length)]);
    const key = 'images/large-photo.jpg';
    const put = await putObject(key, large);
    const job = await waitForJobEnd(stack, derivedJobId(stack.info.bucket, key, put.ETag!));
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
  });

  it.each([
    ['a text file named .jpg', 'images/not-a-photo.jpg', () => Buffer.from('this is plain text, not a photo'), /not a JPEG, PNG or WebP image/],
    ['a zero-byte file', 'images/empty.jpg', () => Buffer.alloc(0), /The photo is empty \(0 bytes\)/],
    ['an oversized photo', 'images/huge.jpg', () => Buffer.concat([photo, Buffer.alloc(15 * 1024 * 1024)]), /the limit is 15 MB/],
  ])('fails %s with a reason, and keeps serving', async (_name, key, body, reason) => {
    const requestsBefore = stack.ltx!.stats().requests;
    const put = await putObject(key, body());
    const job = await waitForJobEnd(stack, derivedJobId(stack.info.bucket, key, put.ETag!));
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(reason);
    // Refused before any paid call.
    expect(stack.ltx!.stats().requests).toBe(requestsBefore);
  });

  it('still completes a good photo after the bad ones', async () => {
    const user = await signInUser(stack);
    const { jobId } = await uploadPhoto(stack, user.accessToken, photo);
    expect((await waitForJobEnd(stack, jobId)).status).toBe('completed');
  });
});
