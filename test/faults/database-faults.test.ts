import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import type { Renderer } from '../../shared/ports/renderer';
import { generatedVideos, signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

/**
 * Nothing finished is lost: the database becomes unreachable at the very moment a render finishes
 * (the render step then cannot write the row, nor release its claim). The render is kept in the
 * bucket and the row is written once the database is back, by the event's retry or by the sweeper's
 * reconciler, and the video is never rendered a second time. What is under test is the row, the
 * Supabase client's errors and the bus's retries, not Remotion: the "render" copies the clip
 * (CopyClipRenderer). The step's own decisions are in test/shared/pipeline/run-render-step.test.ts.
 */

let stack: LocalStack;
let logs: string[];
let photo: Buffer;
let token: string;
/** Runs right after each render returns, before its webhook reports it. */
let afterRender: (() => void) | undefined;
/** Renders done per job (each is a paid render in AWS). */
const renders = new Map<string, number>();

beforeAll(async () => {
  ({ stack, logs } = await startTestStack({
    renderer: ({ store }) => {
      const copier = new CopyClipRenderer(store);
      const renderer: Renderer = {
        render: async (request) => {
          const result = await copier.render(request);
          renders.set(request.jobId, (renders.get(request.jobId) ?? 0) + 1);
          afterRender?.();
          return result;
        },
      };
      return renderer;
    },
  }));
  photo = await readFile('remotion/public/sample/villa-small.jpg');
  token = (await signInUser(stack)).accessToken;
});
afterEach(() => {
  afterRender = undefined;
  stack.supabase.setUnavailable(false);
});
afterAll(async () => {
  await stack?.stop();
});

/** Like waitForJobEnd, but reads that fail while the database is down are simply tried again. */
async function waitThroughOutage(jobId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await stack.clients.jobs.get(jobId).catch(() => null);
    if (job && (job.status === 'completed' || job.status === 'failed')) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end within ${timeoutMs} ms (status ${job?.status ?? 'unknown'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const rendersOf = (jobId: string) => renders.get(jobId) ?? 0;

describe('the database down when a render finishes', () => {
  it('for a moment: Remotion’s webhook retry (1 s, then 2 s later) finds the database back and writes the row', async () => {
    afterRender = () => {
      afterRender = undefined;
      stack.supabase.setUnavailable(true);
      setTimeout(() => stack.supabase.setUnavailable(false), 1500);
    };
    const { jobId } = await uploadPhoto(stack, token, photo);
    const job = await waitThroughOutage(jobId, 90_000);
    expect(job).toMatchObject({ status: 'completed', error: null });
    expect(await generatedVideos(stack, jobId)).toHaveLength(1);
    expect(rendersOf(jobId)).toBe(1);
    // The first webhook was refused with a 5xx (the database was down) and delivered again.
    expect(logs.some((l) => l.includes('render webhook failed, retrying'))).toBe(true);
  });

  it('past every webhook retry: the reconciler finds the render without its row and has it written', async () => {
    afterRender = () => {
      afterRender = undefined;
      stack.supabase.setUnavailable(true);
    };
    const { jobId } = await uploadPhoto(stack, token, photo);
    await expect.poll(() => rendersOf(jobId), { timeout: 90_000, interval: 200 }).toBe(1);
    // Every delivery of the webhook fails while the database is down, then the renderer gives up, as Remotion does.
    await expect.poll(() => logs.some((l) => l.includes('render webhook not delivered')), { timeout: 30_000, interval: 100 }).toBe(true);
    await stack.idle();
    stack.supabase.setUnavailable(false);
    const left = (await stack.clients.jobs.get(jobId))!;
    expect(left.status).toBe('rendering');
    expect(await generatedVideos(stack, jobId)).toHaveLength(0);

    // A sweep with the normal deadline (the job is minutes away from "stuck"): the reconciler acts anyway.
    const swept = await stack.sweep();
    expect(swept).toMatchObject({ reconciled: 1, examined: 0 });
    const job = await waitForJobEnd(stack, jobId, 30_000);
    expect(job).toMatchObject({ status: 'completed', error: null });
    const rows = await generatedVideos(stack, jobId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.file_size_mb).toBeGreaterThan(0);
    expect(rendersOf(jobId)).toBe(1);
  });
});
