import { describe, expect, it } from 'vitest';
import { ForbiddenError, QuotaExceededError } from '../../../shared/domain/errors';
import { BUILTIN_JOB_DEFAULTS } from '../../../shared/domain/job-options';
import { createUpload, ServiceCountCache, type CreateUploadDeps } from '../../../shared/pipeline/create-upload';
import type { SignedInUser } from '../../../shared/ports/access-token-verifier';
import { MemoryJobStore } from '../../helpers/memory-job-store';
import { MemoryObjectStore } from '../../helpers/memory-object-store';
import { OTHER_USER, USER } from '../../helpers/pipeline-harness';

const NOW = new Date('2025-06-01T12:00:00Z');
const user: SignedInUser = { userId: USER, email: 'owner@villa.test', isAnonymous: false };
const guest: SignedInUser = { userId: OTHER_USER, email: undefined, isAnonymous: true };
const request = { filename: 'villa.png', contentType: 'image/png' as const, size: 2048, options: { title: 'Villa Serena', duration: 8 as const } };

function setup(maxJobsPerDay = 3, limits: { anonymousJobsPerDay?: number; maxJobsPerDayTotal?: number } = {}) {
  const clock = { now: NOW };
  const jobs = new MemoryJobStore(() => clock.now);
  const store = new MemoryObjectStore();
  let n = 0;
  const deps: CreateUploadDeps = {
    store,
    jobs,
    config: { jobDefaults: BUILTIN_JOB_DEFAULTS, maxJobsPerDay, anonymousJobsPerDay: limits.anonymousJobsPerDay ?? 0, maxJobsPerDayTotal: limits.maxJobsPerDayTotal ?? 0, uploadUrlTtlSeconds: 300 },
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    now: () => clock.now,
  };
  return { deps, jobs, store, clock };
}

describe('createUpload', () => {
  it('records a pending_upload job and signs a PUT for exactly the announced file, options as metadata', async () => {
    const { deps, jobs } = setup();
    const ticket = await createUpload(deps, user, request);
    const jobId = '00000000-0000-4000-8000-000000000001';
    expect(ticket).toEqual({
      jobId,
      key: `images/${USER}/${jobId}.png`,
      uploadUrl: expect.stringContaining(encodeURIComponent(`images/${USER}/${jobId}.png`)),
      method: 'PUT',
      headers: expect.objectContaining({
        'Content-Type': 'image/png',
        'x-amz-meta-job-id': jobId,
        'x-amz-meta-user-id': USER,
        'x-amz-meta-original-filename': 'villa.png',
        'x-amz-meta-title': 'Villa Serena',
        'x-amz-meta-duration': '8',
        'x-amz-meta-model': 'ltx-2-fast',
      }),
      expiresAt: '2025-06-01T12:05:00.000Z',
    });
    expect(await jobs.get(jobId)).toMatchObject({
      status: 'pending_upload',
      user_id: USER,
      origin: 'upload',
      source_key: ticket.key,
      options: { ...BUILTIN_JOB_DEFAULTS, title: 'Villa Serena', duration: 8 },
    });
  });

  it('refuses past the daily limit with the count and the limit, recording nothing', async () => {
    const { deps, jobs } = setup(3);
    for (let i = 0; i < 3; i++) await createUpload(deps, user, request);
    const refused = await createUpload(deps, user, request).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QuotaExceededError);
    expect((refused as Error).message).toBe('You have started 3 videos in the last 24 hours; the limit is 3. Try again tomorrow.');
    expect(jobs.jobs.size).toBe(3);
    // Another user has their own quota.
    await expect(createUpload(deps, { ...user, userId: OTHER_USER }, request)).resolves.toMatchObject({ method: 'PUT' });
  });

  it('counts only the last 24 hours', async () => {
    const { deps, clock } = setup(1);
    await createUpload(deps, user, request);
    clock.now = new Date(NOW.getTime() + 24 * 3600 * 1000 - 1000);
    await expect(createUpload(deps, user, request)).rejects.toBeInstanceOf(QuotaExceededError);
    clock.now = new Date(NOW.getTime() + 24 * 3600 * 1000 + 1000);
    await expect(createUpload(deps, user, request)).resolves.toMatchObject({ method: 'PUT' });
  });

  it('holds the limit under a burst: uploads that all passed the count are decided again with their row in', async () => {
    const { deps, jobs } = setup(3);
    const answers = await Promise.allSettled(Array.from({ length: 8 }, () => createUpload(deps, user, request)));
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
    const refused = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.reason).toBeInstanceOf(QuotaExceededError);
    // The refused jobs' rows are gone; the first three keep theirs.
    expect([...jobs.jobs.keys()].sort()).toEqual(answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value.jobId] : [])).sort());
  });

  it('counts nothing when the deployment sets no limit (0)', async () => {
    const { deps, jobs } = setup(0);
    for (let i = 0; i < 5; i++) await createUpload(deps, user, request);
    expect(jobs.jobs.size).toBe(5);
    expect(jobs.calls.filter((c) => c.startsWith('countCreatedSince') || c.startsWith('listCreatedSince'))).toEqual([]);
  });
});

describe('createUpload: spending guards', () => {
  it('refuses anonymous guests outright when the deployment gives them no videos (the default), recording nothing', async () => {
    const { deps, jobs } = setup(3);
    const refused = await createUpload(deps, guest, request).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused).toMatchObject({ code: 'anonymous_not_allowed', message: 'Guests cannot start videos on this service. Sign in with an email account to make one.' });
    expect(jobs.jobs.size).toBe(0);
    expect(jobs.calls).toEqual([]);
  });

  it('gives a guest their own, smaller daily quota, whatever the signed-in users get', async () => {
    const { deps, jobs } = setup(50, { anonymousJobsPerDay: 2 });
    await createUpload(deps, guest, request);
    await createUpload(deps, guest, request);
    await expect(createUpload(deps, guest, request)).rejects.toThrow(
      'As a guest you may start 2 videos in 24 hours and have started 2. Sign in with an email account to make more, or try again tomorrow.',
    );
    // A signed-in user is not held to the guest's limit.
    for (let i = 0; i < 3; i++) await createUpload(deps, user, request);
    expect(jobs.jobs.size).toBe(5);
  });

  it('holds a global daily cap across all users, on top of each one’s, even under a burst', async () => {
    const { deps, jobs } = setup(10, { anonymousJobsPerDay: 10, maxJobsPerDayTotal: 4 });
    const everyone = Array.from({ length: 12 }, (_, i) => ({ ...user, userId: `00000000-0000-4000-8000-1000000000${String(i).padStart(2, '0')}` }));
    const answers = await Promise.allSettled([...everyone, guest].map((u) => createUpload(deps, u, request)));
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(4);
    for (const a of answers) {
      if (a.status === 'rejected') expect(a.reason).toMatchObject({ code: 'service_daily_limit', message: 'The service has reached its limit of 4 new videos in 24 hours for all users together. Try again later.' });
    }
    expect(jobs.jobs.size).toBe(4);
  });

  it('lists every user’s jobs again only near the service-wide cap: far below it no burst can reach it', async () => {
    const { deps, jobs } = setup(0, { maxJobsPerDayTotal: 500 });
    await createUpload(deps, user, request);
    expect(jobs.calls.filter((c) => c.startsWith('listCreatedSince'))).toEqual([]);
    const near = setup(0, { maxJobsPerDayTotal: 50 });
    await createUpload(near.deps, user, request);
    expect(near.jobs.calls.filter((c) => c.startsWith('listCreatedSince'))).toHaveLength(1);
  });

  it('reuses the service-wide count for two seconds while it is far below the cap, and counts afresh near it', async () => {
    const { deps, jobs, clock } = setup(0, { maxJobsPerDayTotal: 500 });
    const serviceCount = new ServiceCountCache();
    const withCache = { ...deps, serviceCount };
    const everyoneCounts = () => jobs.calls.filter((c) => c === 'countCreatedSince').length;
    await createUpload(withCache, user, request);
    await createUpload(withCache, user, request);
    expect(everyoneCounts()).toBe(1);
    clock.now = new Date(NOW.getTime() + 2_001);
    await createUpload(withCache, user, request);
    expect(everyoneCounts()).toBe(2);
    // A burst waits for one count.
    clock.now = new Date(NOW.getTime() + 5_000);
    await Promise.all(Array.from({ length: 5 }, () => createUpload(withCache, user, request)));
    expect(everyoneCounts()).toBe(3);
    // Near the cap the last figure is not reused.
    const near = setup(0, { maxJobsPerDayTotal: 100 });
    const nearCache = { ...near.deps, serviceCount: new ServiceCountCache() };
    await createUpload(nearCache, user, request);
    await createUpload(nearCache, user, request);
    expect(near.jobs.calls.filter((c) => c === 'countCreatedSince')).toHaveLength(2);
  });
});
