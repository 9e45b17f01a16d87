import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { derivedJobId } from '../../shared/domain/derived-job-id';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { signInUser, startTestStack } from '../helpers/local-stack';

/**
 * Bursts. 50 photos dropped at once would take 8+ minutes of real Remotion renders (about 10 s each,
 * one at a time on this machine) and would measure Remotion, not the pipeline: this stack copies the
 * clip as the "render" (CopyClipRenderer). Remotion itself is covered by test/remotion and
 * test/pipeline. Everything else (S3, events, LTX stand-in, database) is real.
 */

const LTX_LIMIT = 2;
const QUOTA = 40;
let stack: LocalStack;
let copier: CopyClipRenderer;
let photo: Buffer;

beforeAll(async () => {
  ({ stack } = await startTestStack({
    ltxConcurrency: LTX_LIMIT,
    env: { MAX_JOBS_PER_DAY: String(QUOTA) },
    renderer: ({ store }) => (copier = new CopyClipRenderer(store)),
  }));
  photo = await readFile('remotion/public/sample/villa-small.jpg');
});
afterAll(async () => {
  await stack?.stop();
});

describe('load', () => {
  it('200 concurrent POST /uploads: each answered 201 or a clean 429, and no user gets past the quota', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => signInUser(stack)));
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const user = users[i % users.length]!;
        const res = await fetch(stack.info.uploadsUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ filename: `villa-${i}.jpg`, contentType: 'image/jpeg', size: 2048 }),
        });
        return { userId: user.userId, status: res.status, body: (await res.json()) as { jobId?: string; error?: { code: string; message: string } } };
      }),
    );
    for (const a of answers) {
      expect([201, 429]).toContain(a.status);
      if (a.status === 429) {
        expect(a.body.error?.code).toBe('quota_exceeded');
        expect(a.body.error?.message).toMatch(new RegExp(`the limit is ${QUOTA}\\. Try again tomorrow\\.$`));
      }
    }
    for (const user of users) {
      const mine = answers.filter((a) => a.userId === user.userId);
      const created = mine.filter((a) => a.status === 201);
      // 50 asked each, 40 allowed: exactly the quota is handed out, and each got a job row.
      expect(created).toHaveLength(QUOTA);
      expect(await stack.clients.jobs.countCreatedSince(user.userId, new Date(Date.now() - 3600_000))).toBe(QUOTA);
      expect(new Set(created.map((a) => a.body.jobId)).size).toBe(QUOTA);
    }
  });

  it('50 photos dropped at once all finish, none lost, within the LTX concurrency limit', async () => {
    stack.ltx!.resetStats();
    const ltxBefore = stack.ltx!.stats();
    const keys = Array.from({ length: 50 }, (_, i) => `images/burst/villa-${String(i).padStart(2, '0')}.jpg`);
    const jobIds = await Promise.all(
      keys.map(async (key) => {
        const put = await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.info.bucket, Key: key, Body: photo, ContentType: 'image/jpeg' }));
        return derivedJobId(stack.info.bucket, key, put.ETag!);
      }),
    );
    // Wait for the burst to drain, then look at every job.
    await expect.poll(async () => {
      const { count } = await stack.clients.supabase.from('generated_videos').select('id', { count: 'exact', head: true }).in('id', jobIds);
      return count;
    }, { timeout: 110_000, interval: 500 }).toBe(50);
    await stack.idle();
    const { data: jobs } = await stack.clients.supabase.from('video_jobs').select('id, status, error').in('id', jobIds);
    expect(jobs).toHaveLength(50);
    expect(jobs!.filter((j) => j.status !== 'completed')).toEqual([]);
    expect(new Set(copier.rendered.filter((id) => jobIds.includes(id))).size).toBe(50);

    const ltx = stack.ltx!.stats();
    expect(ltx.requests - ltxBefore.requests).toBe(50);
    expect(ltx.maxConcurrentSeen).toBeLessThanOrEqual(LTX_LIMIT);
    expect(ltx.maxConcurrentSeen).toBe(LTX_LIMIT);
    expect(ltx.concurrencyRejected).toBe(0);
    const bus = stack.bus.stats();
    expect(stack.routes.eventSources.ltx!.stats().maxConcurrentSeen).toBeLessThanOrEqual(LTX_LIMIT);
    expect(bus.render!.maxConcurrentSeen).toBe(1);
    expect(copier.maxConcurrentSeen).toBe(1);
    expect(stack.bus.failures()).toEqual([]);
  });
});
