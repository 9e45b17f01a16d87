import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import type { ObjectCreatedNotification } from '../../local/s3/start-object-store';
import { derivedJobId } from '../../shared/domain/derived-job-id';
import { buildObjectCreatedEvent } from '../../shared/domain/object-created-event';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { generatedVideos, signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

/**
 * At-least-once delivery, pushed hard: every Object Created event of five jobs (three uploads, two
 * photos dropped by hand) arrives five times, the four extra copies at the same moment as the
 * original, and then five more times after the jobs completed. Each job still costs one LTX call,
 * one render and one `generated_videos` row. The "render" is CopyClipRenderer held for 1 s, so the
 * copies land while it runs; real renders under duplicates are in test/pipeline.
 */

const COPIES = 5;
let stack: LocalStack;
let copier: CopyClipRenderer;
let photo: Buffer;
const seen: ObjectCreatedNotification[] = [];

beforeAll(async () => {
  ({ stack } = await startTestStack({ renderer: ({ store }) => (copier = new CopyClipRenderer(store, { delayMs: 1000 })) }));
  photo = await readFile('remotion/public/sample/villa-small.jpg');
  // Each object's own notification is the first delivery; four copies follow at once.
  stack.objectStore.onObjectCreated((n) => {
    seen.push(n);
    for (let i = 1; i < COPIES; i++) stack.bus.putEvent(toEvent(n));
  });
});
afterAll(async () => {
  await stack?.stop();
});

function toEvent(n: ObjectCreatedNotification) {
  return buildObjectCreatedEvent({ bucket: n.bucket, key: n.key, size: n.size, etag: n.etag, sequencer: n.sequencer, reason: n.reason });
}

describe('each event delivered five times', () => {
  it('one LTX call, one render and one row per job, concurrently and after completion', async () => {
    const ltxBefore = stack.ltx!.stats().requests;
    const user = await signInUser(stack);
    const dropped = ['images/dup-a.jpg', 'images/dup-b.jpg'];
    const [uploads, drops] = await Promise.all([
      Promise.all([0, 1, 2].map(() => uploadPhoto(stack, user.accessToken, photo).then((t) => t.jobId))),
      Promise.all(
        dropped.map(async (key) => {
          const put = await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.info.bucket, Key: key, Body: photo, ContentType: 'image/jpeg' }));
          return derivedJobId(stack.info.bucket, key, put.ETag!);
        }),
      ),
    ]);
    const jobIds = [...uploads, ...drops];
    const jobs = await Promise.all(jobIds.map((id) => waitForJobEnd(stack, id, 60_000)));
    await stack.idle();
    for (const job of jobs) expect(job).toMatchObject({ status: 'completed', error: null });

    const check = async () => {
      expect(stack.ltx!.stats().requests - ltxBefore).toBe(jobIds.length);
      for (const id of jobIds) {
        expect(copier.rendered.filter((r) => r === id)).toHaveLength(1);
        expect(await generatedVideos(stack, id)).toHaveLength(1);
        expect((await stack.clients.jobs.get(id))?.status).toBe('completed');
      }
    };
    await check();
    // Every image and clip event went through the bus five times.
    const invoked = stack.bus.stats();
    expect(invoked.ltx?.invoked).toBeGreaterThanOrEqual(jobIds.length * COPIES);
    expect(invoked.render?.invoked).toBeGreaterThanOrEqual(jobIds.length * COPIES);

    // Late: all of them again, five times each, long after the jobs completed.
    const ours = seen.filter((n) => jobIds.some((id) => n.key.includes(id)) || dropped.includes(n.key));
    expect(ours.length).toBeGreaterThanOrEqual(jobIds.length * 2);
    for (const n of ours) for (let i = 0; i < COPIES; i++) stack.bus.putEvent(toEvent(n));
    await stack.idle();
    await check();
    expect(stack.bus.failures()).toEqual([]);
  });
});
