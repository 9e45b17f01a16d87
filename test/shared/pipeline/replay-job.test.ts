import { afterEach, describe, expect, it } from 'vitest';
import { JobStateError, UpstreamError } from '../../../shared/domain/errors';
import { JobNotFoundError, replayJob, type ReplayDeps } from '../../../shared/pipeline/replay-job';
import { OTHER_USER, pipelineHarness, USER, type PipelineHarness } from '../../helpers/pipeline-harness';

let h: PipelineHarness;
afterEach(async () => {
  await h?.generator.close();
});

const refusal = 'LTX rejected the request (content_filtered_error): Content is filtered due to policy restrictions';
/** What the job row says of that refusal (shared/domain/user-message.ts). */
const refusalForUser = 'The video generation service refused this photo or its text under its content policy. Try another photo.';

/** A job failed by LTX's refusal, with its photo still in the bucket. */
async function failedJob(harness: PipelineHarness) {
  const { job, key } = await harness.uploadedPhoto();
  harness.generator.failures.push(new UpstreamError('ltx', refusal, { status: 422, retryable: false, code: 'content_filtered_error' }));
  await harness.ltx(key);
  return { job: (await harness.jobs.get(job.id))!, key };
}

const deps = (harness: PipelineHarness): ReplayDeps => ({ jobs: harness.jobs, store: harness.store, events: harness.events, logger: harness.logger });

describe('replayJob', () => {
  it('moves the owner’s failed job back to queued with fresh attempts, announces it and copies the photo to start it', async () => {
    h = pipelineHarness();
    const { job, key } = await failedJob(h);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: refusalForUser });

    const queued = await replayJob(deps(h), job.id, { requestedBy: USER, ownerId: USER });
    expect(queued).toMatchObject({ status: 'queued', attempts: 0, error: null, progress: 0 });
    expect(h.events.replays).toEqual([{ jobId: job.id, userId: USER, sourceKey: key, requestedBy: USER }]);
    expect(h.store.touched).toEqual([key]);
    // The copy's event is claimed like a first delivery: LTX runs again.
    expect(await h.ltx(key, 'CopyObject')).toEqual({ outcome: 'done', jobId: job.id });
    expect(h.generator.calls).toHaveLength(2);
  });

  it('lets the operator (no owner given) replay anyone’s job', async () => {
    h = pipelineHarness();
    const { job } = await failedJob(h);
    await expect(replayJob(deps(h), job.id, { requestedBy: 'operator:cli' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('answers as if it did not exist for another user’s job, and for an unknown one', async () => {
    h = pipelineHarness();
    const { job } = await failedJob(h);
    const refused = await replayJob(deps(h), job.id, { requestedBy: OTHER_USER, ownerId: OTHER_USER }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JobNotFoundError);
    expect((refused as Error).message).toBe(`No job ${job.id} was found.`);
    const unknown = crypto.randomUUID();
    await expect(replayJob(deps(h), unknown, { requestedBy: USER, ownerId: USER })).rejects.toThrow(`No job ${unknown} was found.`);
    expect((await h.jobs.get(job.id))?.status).toBe('failed');
    expect(h.store.touched).toEqual([]);
  });

  it('refuses a job that has not failed', async () => {
    h = pipelineHarness();
    const { job } = await h.uploadedPhoto();
    const refused = await replayJob(deps(h), job.id, { requestedBy: USER, ownerId: USER }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JobStateError);
    expect(refused).not.toBeInstanceOf(JobNotFoundError);
    expect((refused as Error).message).toBe(`Job ${job.id} is pending_upload; only a failed job can be replayed.`);
  });

  it('refuses when the photo is no longer in the bucket', async () => {
    h = pipelineHarness();
    const { job, key } = await failedJob(h);
    h.store.objects.delete(key);
    await expect(replayJob(deps(h), job.id, { requestedBy: USER })).rejects.toThrow(`Job ${job.id} cannot be replayed: its source photo is no longer in the bucket. Upload the photo again.`);
    expect((await h.jobs.get(job.id))?.status).toBe('failed');
  });

  it('starts a job once when two replays race', async () => {
    h = pipelineHarness();
    const { job } = await failedJob(h);
    const results = await Promise.allSettled([replayJob(deps(h), job.id, { requestedBy: USER }), replayJob(deps(h), job.id, { requestedBy: USER })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(JobStateError);
    expect(h.store.touched).toHaveLength(1);
    expect(h.events.replays).toHaveLength(1);
  });

  it('puts the job back as it was when the replay cannot be announced, so the caller can ask again', async () => {
    h = pipelineHarness();
    const { job } = await failedJob(h);
    h.events.replayFailure = new Error('PutEvents refused the entry: ThrottlingException');
    await expect(replayJob(deps(h), job.id, { requestedBy: USER })).rejects.toThrow('ThrottlingException');
    expect(await h.jobs.get(job.id)).toMatchObject({ status: 'failed', error: refusalForUser, attempts: 1 });
    expect(h.store.touched).toEqual([]);
    h.events.replayFailure = undefined;
    await expect(replayJob(deps(h), job.id, { requestedBy: USER })).resolves.toMatchObject({ status: 'queued' });
  });
});
