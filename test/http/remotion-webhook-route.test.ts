import { validateWebhookSignature } from '@remotion/lambda/client';
import { afterEach, describe, expect, it } from 'vitest';
import { REMOTION_WEBHOOK_PATH, signRemotionWebhook, type RemotionWebhook } from '../../shared/domain/remotion-webhook';
import { ltxVideoKey } from '../../shared/domain/keys';
import { createApiApp } from '../../shared/http/api-app';
import { databaseDown } from '../helpers/memory-job-store';
import { pipelineHarness, USER, type PipelineHarness } from '../helpers/pipeline-harness';
import { fakeApiDeps } from './api-test-deps';

const SECRET = 'whsec-7f3a9c1e5b2d4f6a8c0e';
let h: PipelineHarness;
afterEach(async () => {
  await h?.generator.close();
});

/** The API app with the real webhook step on the harness's stores. */
function app(secrets: readonly string[] = [SECRET]) {
  return createApiApp(fakeApiDeps({ renderWebhook: { secrets, finishRender: (w) => h.webhook(w) } }).deps);
}

/** POSTs a body the way Remotion Lambda's invoker does (JSON.stringify, then the signature of those bytes). */
function post(body: string, signature: string | undefined, status = 'success') {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-remotion-mode': 'production', 'x-remotion-status': status };
  if (signature !== undefined) headers['x-remotion-signature'] = signature;
  return app().request(REMOTION_WEBHOOK_PATH, { method: 'POST', headers, body });
}

async function renderingJob() {
  h = pipelineHarness();
  const { job, key } = await h.uploadedPhoto();
  await h.ltx(key);
  await h.render(ltxVideoKey(USER, job.id));
  return job;
}

const signed = (payload: RemotionWebhook, secret = SECRET) => {
  const body = JSON.stringify(payload);
  return { body, signature: signRemotionWebhook(body, secret) };
};

describe('POST /webhooks/remotion', () => {
  it("signs exactly as Remotion does: Remotion's own validateWebhookSignature accepts our signature", async () => {
    await renderingJob();
    const payload = await h.starter.complete();
    const { body, signature } = signed(payload);
    expect(() => validateWebhookSignature({ secret: SECRET, body: JSON.parse(body), signatureHeader: signature })).not.toThrow();
    expect(() => validateWebhookSignature({ secret: 'other', body: JSON.parse(body), signatureHeader: signature })).toThrow('Signatures do not match');
  });

  it('a valid success completes the job (200); the same webhook again is acknowledged and changes nothing', async () => {
    const job = await renderingJob();
    const { body, signature } = signed(await h.starter.complete());
    const first = await post(body, signature);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ outcome: 'completed', jobId: job.id, format: '16:9' });
    const replayed = await post(body, signature);
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ outcome: 'ignored', reason: 'job is completed' });
    expect(h.jobs.videos.size).toBe(1);
    expect(h.events.statusesOf(job.id).filter((s) => s === 'completed')).toHaveLength(1);
  });

  it('refuses a forged, a tampered, an unsigned and a NO_SECRET_PROVIDED webhook with 401, changing nothing', async () => {
    const job = await renderingJob();
    const payload = await h.starter.complete();
    const { body, signature } = signed(payload);
    const forged = signed(payload, 'not-the-secret');
    const tampered = body.replace(job.id, job.id.replace(/^./, job.id[0] === 'a' ? 'b' : 'a'));
    for (const [b, s] of [[forged.body, forged.signature], [tampered, signature], [body, undefined], [body, 'NO_SECRET_PROVIDED'], [body, `${signature.slice(0, -2)}00`]] as const) {
      const res = await post(b, s);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect((await h.jobs.get(job.id))?.status).toBe('rendering');
    expect(h.jobs.videos.size).toBe(0);
  });

  it('a late webhook of a superseded render is acknowledged (200) so Remotion stops retrying, and changes nothing', async () => {
    const job = await renderingJob();
    const first = h.starter.renderId();
    await h.webhook(h.starter.timeout(first));
    await h.render(ltxVideoKey(USER, job.id));
    const late = signed(await h.starter.complete(first));
    const res = await post(late.body, late.signature);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'ignored', reason: `late: render ${first} is not the 16:9 render of the job` });
    expect((await h.jobs.get(job.id))?.status).toBe('rendering');
  });

  it('an error webhook hands the job back for a retry (200)', async () => {
    const job = await renderingJob();
    const { body, signature } = signed(h.starter.fail(undefined, 'Chromium crashed'));
    const res = await post(body, signature, 'error');
    expect(await res.json()).toEqual({ outcome: 'retrying', jobId: job.id, format: '16:9' });
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'rendering', error: 'Retrying after: Remotion failed to render: Chromium crashed' });
  });

  it('a signed body that is not a webhook of this pipeline is a 400 naming what is wrong', async () => {
    await renderingJob();
    const notJson = 'renderId=1';
    expect((await post(notJson, signRemotionWebhook(notJson, SECRET))).status).toBe(400);
    const payload = { ...(await h.starter.complete()), customData: { jobId: 'not-a-uuid', format: 'landscape' } };
    const bad = signed(payload as RemotionWebhook);
    const res = await post(bad.body, bad.signature);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('customData.jobId');
  });

  it('our own failure (the database down) is a 503, so Remotion retries', async () => {
    await renderingJob();
    const { body, signature } = signed(await h.starter.complete());
    h.jobs.fault = () => databaseDown('read of video_jobs');
    expect((await post(body, signature)).status).toBe(503);
  });

  it('answers 503 when no secret is configured, and 413 for a body far larger than any webhook', async () => {
    h = pipelineHarness();
    expect((await app([]).request(REMOTION_WEBHOOK_PATH, { method: 'POST', body: '{}' })).status).toBe(503);
    const huge = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
    expect((await post(huge, signRemotionWebhook(huge, SECRET))).status).toBe(413);
  });
});
