import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseClient } from '../../../shared/adapters/supabase/create-supabase-client';
import { SupabaseJobStore } from '../../../shared/adapters/supabase/supabase-job-store';
import { SupabaseRenderRecords } from '../../../shared/adapters/supabase/supabase-render-records';
import { BUILTIN_JOB_DEFAULTS } from '../../../shared/domain/job-options';
import type { VideoFormat } from '../../../shared/domain/video-formats';
import type { JobStore } from '../../../shared/ports/job-store';
import type { RenderRecords } from '../../../shared/ports/render-records';
import { startSupabaseLocal, type SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { MemoryJobStore } from '../../helpers/memory-job-store';
import { MemoryRenderRecords } from '../../helpers/memory-render-records';

/**
 * The RenderRecords contract (the `video_renders` table: one row per job and format), run against the
 * in-memory double the step tests use and against the real adapter on the local Supabase API (PGlite,
 * migrations from supabase/migrations): the compare-and-sets the render step's guarantees rest on.
 */

let supabase: SupabaseLocal | undefined;
const backends: Record<string, () => { jobs: JobStore; renders: RenderRecords }> = {
  MemoryRenderRecords: () => ({ jobs: new MemoryJobStore(), renders: new MemoryRenderRecords() }),
  SupabaseRenderRecords: () => {
    const client = createSupabaseClient(supabase!.url, supabase!.serviceRoleKey);
    return { jobs: new SupabaseJobStore(client), renders: new SupabaseRenderRecords(client) };
  },
};

beforeAll(async () => {
  supabase = await startSupabaseLocal({ port: 0, dataDir: null });
});
afterAll(async () => {
  await supabase?.stop();
});

const FAR_PAST = new Date(0);
const FAR_FUTURE = new Date(Date.now() + 3600_000);

describe.each(Object.keys(backends))('%s', (name) => {
  let jobs: JobStore;
  let renders: RenderRecords;
  beforeAll(() => {
    ({ jobs, renders } = backends[name]!());
  });

  async function renderingJob(): Promise<string> {
    const id = randomUUID();
    const userId = randomUUID();
    await jobs.createIfAbsent({ id, user_id: userId, status: 'pending_upload', options: { ...BUILTIN_JOB_DEFAULTS, formats: ['16:9', '9:16'] }, origin: 'upload', source_key: `images/${userId}/${id}.jpg` });
    return id;
  }

  it('reserves one row per job and format, once: a second reserve of the same format gets nothing', async () => {
    const jobId = await renderingJob();
    expect(await renders.reserve(jobId, '16:9', FAR_PAST)).toMatchObject({ job_id: jobId, format: '16:9', status: 'starting', attempt: 1, retryable: true, render_id: null });
    expect(await renders.reserve(jobId, '16:9', FAR_PAST)).toBeNull();
    // Another format of the same job is its own row.
    expect(await renders.reserve(jobId, '9:16', FAR_PAST)).toMatchObject({ format: '9:16', attempt: 1 });
    expect(await renders.get(jobId, '4:5')).toBeNull();
  });

  it('refuses a format that is not a VideoFormat id (the old "landscape" included)', async () => {
    const jobId = await renderingJob();
    await expect(renders.reserve(jobId, 'landscape' as VideoFormat, FAR_PAST)).rejects.toMatchObject({ retryable: false, code: '23514' });
  });

  it('takes over an ended, retryable render as the next attempt, but never a final one, a succeeded one or one in flight', async () => {
    const jobId = await renderingJob();
    await renders.reserve(jobId, '16:9', FAR_PAST);
    await renders.updateWhere(jobId, '16:9', ['starting'], { status: 'rendering', render_id: 'r-1', bucket_name: 'b', cost_usd: 0.001 });
    expect(await renders.reserve(jobId, '16:9', FAR_FUTURE)).toBeNull();
    await renders.updateWhere(jobId, '16:9', ['rendering'], { status: 'timeout', error: 'timed out', retryable: true }, 'r-1');
    expect(await renders.reserve(jobId, '16:9', FAR_PAST)).toMatchObject({ status: 'starting', attempt: 2, render_id: null, error: null, cost_usd: null, retryable: true });

    await renders.reserve(jobId, '9:16', FAR_PAST);
    await renders.updateWhere(jobId, '9:16', ['starting'], { status: 'failed', error: 'the composition refuses this size', retryable: false });
    expect(await renders.reserve(jobId, '9:16', FAR_PAST)).toBeNull();
    expect(await renders.get(jobId, '9:16')).toMatchObject({ status: 'failed', retryable: false, attempt: 1 });
  });

  it('takes over a start abandoned in `starting` only once it is older than the given time', async () => {
    const jobId = await renderingJob();
    await renders.reserve(jobId, '16:9', FAR_PAST);
    expect(await renders.reserve(jobId, '16:9', FAR_PAST)).toBeNull();
    expect(await renders.reserve(jobId, '16:9', FAR_FUTURE)).toMatchObject({ status: 'starting', attempt: 2 });
  });

  it('compare-and-sets on status and render id, per format', async () => {
    const jobId = await renderingJob();
    await renders.reserve(jobId, '16:9', FAR_PAST);
    await renders.reserve(jobId, '9:16', FAR_PAST);
    await renders.updateWhere(jobId, '16:9', ['starting'], { status: 'rendering', render_id: 'r-16x9', bucket_name: 'b' });
    expect(await renders.updateWhere(jobId, '16:9', ['rendering'], { status: 'succeeded' }, 'r-other')).toBeNull();
    expect(await renders.updateWhere(jobId, '16:9', ['starting'], { status: 'succeeded' })).toBeNull();
    expect(await renders.updateWhere(jobId, '16:9', ['rendering'], { status: 'succeeded', cost_usd: 0.021 }, 'r-16x9')).toMatchObject({ status: 'succeeded', cost_usd: 0.021 });
    expect(await renders.get(jobId, '9:16')).toMatchObject({ status: 'starting', render_id: null });
  });

  it('counts every format’s render in flight, started since a time', async () => {
    const jobId = await renderingJob();
    const since = new Date(Date.now() - 60_000);
    const before = await renders.countInFlight(since);
    await renders.reserve(jobId, '16:9', FAR_PAST);
    await renders.reserve(jobId, '9:16', FAR_PAST);
    expect(await renders.countInFlight(since)).toBe(before + 2);
    await renders.updateWhere(jobId, '9:16', ['starting'], { status: 'failed', error: 'x' });
    expect(await renders.countInFlight(since)).toBe(before + 1);
    expect(await renders.countInFlight(FAR_FUTURE)).toBe(0);
  });
});
