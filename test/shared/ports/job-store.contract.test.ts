import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupabaseJobStore } from '../../../shared/adapters/supabase/supabase-job-store';
import { createSupabaseClient } from '../../../shared/adapters/supabase/create-supabase-client';
import { BUILTIN_JOB_DEFAULTS, type JobOptions } from '../../../shared/domain/job-options';
import { JobStateError, UpstreamError } from '../../../shared/domain/errors';
import type { GeneratedVideo, NewJob } from '../../../shared/domain/video-job';
import type { JobStore } from '../../../shared/ports/job-store';
import { startSupabaseLocal, type SupabaseLocal } from '../../../local/supabase/start-supabase-local';
import { MemoryJobStore } from '../../helpers/memory-job-store';

/**
 * The JobStore contract, run against the in-memory double the step tests use and against the real
 * adapter (supabase-js → the local Supabase API → PGlite, migrations from supabase/migrations): what
 * the in-process tests rely on holds in the database too.
 */

let supabase: SupabaseLocal | undefined;
const stores: Record<string, () => JobStore> = {
  MemoryJobStore: () => new MemoryJobStore(),
  SupabaseJobStore: () => new SupabaseJobStore(createSupabaseClient(supabase!.url, supabase!.serviceRoleKey)),
};

beforeAll(async () => {
  supabase = await startSupabaseLocal({ port: 0, dataDir: null });
});
afterAll(async () => {
  await supabase?.stop();
});

const OPTIONS: JobOptions = { ...BUILTIN_JOB_DEFAULTS, title: 'Villa Été', subtitle: 'Bali', cameraMotion: 'jib_up', duration: 8 };
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

function newJob(overrides: Partial<NewJob> = {}): NewJob {
  const id = randomUUID();
  const userId = overrides.user_id ?? randomUUID();
  return { id, user_id: userId, status: 'pending_upload', options: OPTIONS, origin: 'upload', source_key: `images/${userId}/${id}.jpg`, ...overrides };
}

function video(id: string, userId: string): GeneratedVideo {
  return {
    id,
    user_id: userId,
    title: 'Villa Été',
    subtitle: 'Bali',
    video_url: `https://cdn.example/renders/${userId}/${id}.mp4`,
    thumbnail_url: `https://cdn.example/thumbnails/${userId}/${id}.jpg`,
    filename: `${id}.mp4`,
    file_size_mb: 1.23,
    duration_seconds: 6,
    resolution: '1920x1080',
    camera_prompt: 'slow dolly',
    music_file: 'golden-hour.mp3',
    status: 'completed',
    generation_time_seconds: 81.5,
  };
}

describe.each(Object.keys(stores))('%s', (name) => {
  let store: JobStore;
  beforeAll(() => {
    store = stores[name]!();
  });

  describe('createIfAbsent', () => {
    it('inserts a job with the table defaults and returns the stored row', async () => {
      const job = newJob();
      const before = Date.now();
      const row = await store.createIfAbsent(job);
      expect(row).toMatchObject({
        ...job,
        progress: 0,
        error: null,
        source_etag: null,
        ltx_key: null,
        video_key: null,
        thumbnail_key: null,
        attempts: 0,
        ltx_request_id: null,
        generated_video_id: null,
        generated_video_ids: null,
        ltx_cost_usd: null,
        render_cost_usd: null,
      });
      expect(row.options).toEqual(OPTIONS);
      expect(Date.parse(row.created_at)).toBeGreaterThanOrEqual(before - 1000);
      expect(row.updated_at).toBe(row.created_at);
      expect(await store.get(job.id)).toEqual(row);
    });

    it('returns the first row unchanged when the job exists (a second delivery)', async () => {
      const job = newJob({ status: 'queued', origin: 'operator' });
      const first = await store.createIfAbsent(job);
      const second = await store.createIfAbsent({ ...job, status: 'failed', error: 'should not be written' });
      expect(second).toEqual(first);
      expect(await store.get(job.id)).toEqual(first);
    });

    it('refuses another job for the same source object (key and ETag), as a permanent error', async () => {
      const job = newJob({ source_key: `images/${randomUUID()}.jpg`, source_etag: 'etag-1' });
      await store.createIfAbsent(job);
      const clash = await store.createIfAbsent(newJob({ source_key: job.source_key, source_etag: 'etag-1' })).catch((e: unknown) => e);
      expect(clash).toBeInstanceOf(UpstreamError);
      expect(clash).toMatchObject({ retryable: false, code: '23505' });
      // The same name with other content is another object: another job.
      expect(await store.createIfAbsent(newJob({ source_key: job.source_key, source_etag: 'etag-2' }))).toMatchObject({ source_key: job.source_key, source_etag: 'etag-2' });
    });

    it('knows nothing of an unknown id', async () => {
      expect(await store.get(randomUUID())).toBeNull();
    });
  });

  describe('updateWhere (compare-and-set)', () => {
    it('applies the patch only while the status is one of `from`, and touches updated_at', async () => {
      const job = await store.createIfAbsent(newJob());
      await later(5);
      const queued = await store.updateWhere(job.id, ['pending_upload'], { status: 'queued', source_etag: 'etag-1' });
      expect(queued).toMatchObject({ status: 'queued', source_etag: 'etag-1', created_at: job.created_at });
      expect(Date.parse(queued!.updated_at)).toBeGreaterThan(Date.parse(job.updated_at));
      expect(await store.updateWhere(job.id, ['pending_upload'], { status: 'queued', error: 'late' })).toBeNull();
      expect(await store.get(job.id)).toEqual(queued);
    });

    it('applies it only while attempts still equal the given count', async () => {
      const job = await store.createIfAbsent(newJob({ status: 'queued' }));
      const claimed = await store.updateWhere(job.id, ['queued'], { status: 'generating', attempts: 1 }, 0);
      expect(claimed).toMatchObject({ status: 'generating', attempts: 1 });
      await store.updateWhere(job.id, ['generating'], { status: 'queued' });
      // Another delivery read the row before that first claim: its claim must lose.
      expect(await store.updateWhere(job.id, ['queued'], { status: 'generating', attempts: 1 }, 0)).toBeNull();
      expect(await store.get(job.id)).toMatchObject({ status: 'queued', attempts: 1 });
    });

    it('lets exactly one of two concurrent claims win', async () => {
      const job = await store.createIfAbsent(newJob({ status: 'queued' }));
      const claims = await Promise.all([0, 1, 2].map(() => store.updateWhere(job.id, ['queued'], { status: 'generating', attempts: 1 }, 0)));
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
    });

    it('refuses a move the state machine forbids, leaving the row as it was', async () => {
      const job = await store.createIfAbsent(newJob({ status: 'completed' }));
      const refused = await store.updateWhere(job.id, ['completed'], { status: 'queued' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(JobStateError);
      expect(refused).toMatchObject({ message: 'a job may not move from completed to queued', context: { jobId: job.id, from: 'completed', to: 'queued' } });
      await expect(store.updateWhere(job.id, ['queued', 'failed'], { status: 'rendering' })).rejects.toThrow('a job may not move from queued to rendering');
      expect(await store.get(job.id)).toEqual(job);
    });

    it('keeps progress within 0..100, as the table does', async () => {
      const job = await store.createIfAbsent(newJob({ status: 'queued' }));
      const refused = await store.updateWhere(job.id, ['queued'], { progress: 101 }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ retryable: false, code: '23514' });
      expect((await store.get(job.id))?.progress).toBe(0);
    });

    it('stores costs as dollar numbers, exact to a hundredth of a cent, on a job in any status', async () => {
      const job = await store.createIfAbsent(newJob({ status: 'completed' }));
      const costed = await store.updateWhere(job.id, ['completed'], { ltx_cost_usd: 0.32, render_cost_usd: 0.0123 });
      expect(costed).toMatchObject({ status: 'completed', ltx_cost_usd: 0.32, render_cost_usd: 0.0123 });
      expect(await store.get(job.id)).toMatchObject({ ltx_cost_usd: 0.32, render_cost_usd: 0.0123 });
    });

    it('returns null for an unknown job', async () => {
      expect(await store.updateWhere(randomUUID(), ['queued'], { progress: 10 })).toBeNull();
    });
  });

  describe('the quota window', () => {
    it('counts and lists one user’s jobs created since a time, oldest first, at most `limit`', async () => {
      const userId = randomUUID();
      const since = new Date(Date.now() - 1000);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push((await store.createIfAbsent(newJob({ user_id: userId }))).id);
        await later(3);
      }
      await store.createIfAbsent(newJob());
      expect(await store.countCreatedSince(userId, since)).toBe(3);
      expect(await store.countCreatedSince(userId, new Date(Date.now() + 60_000))).toBe(0);
      expect(await store.listCreatedSince(userId, since, 2)).toEqual(ids.slice(0, 2));
      expect(await store.listCreatedSince(userId, since, 10)).toEqual(ids);
    });

    it('counts and lists every user’s jobs for the service-wide cap (userId null)', async () => {
      const since = new Date(Date.now() - 1000);
      const before = await store.countCreatedSince(null, since);
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        ids.push((await store.createIfAbsent(newJob({ user_id: randomUUID() }))).id);
        await later(3);
      }
      expect(await store.countCreatedSince(null, since)).toBe(before + 2);
      expect((await store.listCreatedSince(null, since, before + 2)).slice(-2)).toEqual(ids);
    });

    it('creates an upload job only while the user is under the limit, counting it in', async () => {
      const userId = randomUUID();
      const since = new Date(Date.now() - 1000);
      const upload = () => {
        const { id, options, source_key } = newJob({ user_id: userId });
        return { id, user_id: userId, options, source_key: source_key! };
      };
      const first = await store.createUpload(upload(), since, 2);
      expect(first).toMatchObject({ used: 1, job: { user_id: userId, status: 'pending_upload', origin: 'upload', progress: 0, options: OPTIONS } });
      expect(await store.createUpload(upload(), since, 2)).toMatchObject({ used: 2 });
      expect(await store.createUpload(upload(), since, 2)).toEqual({ refused: true, used: 2 });
      expect(await store.countCreatedSince(userId, since)).toBe(2);
      // Jobs before the window do not count; no limit means none is applied.
      expect(await store.createUpload(upload(), new Date(Date.now() + 60_000), 2)).toMatchObject({ used: 1 });
      expect(await store.createUpload(upload(), since, null)).toMatchObject({ used: 4 });
      // The same id again (a retried request) is the stored row, not a second job.
      const again = 'job' in first ? await store.createUpload({ id: first.job.id, user_id: userId, options: OPTIONS, source_key: first.job.source_key! }, since, null) : null;
      expect(again).toMatchObject({ job: { id: 'job' in first ? first.job.id : '' } });
      expect(await store.countCreatedSince(userId, since)).toBe(4);
    });

    it('holds the limit exactly under a burst of one user’s uploads at once', async () => {
      const userId = randomUUID();
      const since = new Date(Date.now() - 1000);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => {
          const { id, options, source_key } = newJob({ user_id: userId });
          return store.createUpload({ id, user_id: userId, options, source_key: source_key! }, since, 5);
        }),
      );
      expect(answers.filter((a) => 'job' in a)).toHaveLength(5);
      expect(answers.filter((a) => 'refused' in a).map((a) => a.used)).toEqual(Array(7).fill(5));
      expect(await store.countCreatedSince(userId, since)).toBe(5);
      // The memory store stamps each row at least 1 ms after the last, so a burst runs its clock ahead
      // of the wall clock for a moment; the scans below compare stamps with `new Date()`.
      await later(20);
    });

    it('deletes a job only while it is pending_upload', async () => {
      const pending = await store.createIfAbsent(newJob());
      const queued = await store.createIfAbsent(newJob({ status: 'queued' }));
      expect(await store.deletePending(pending.id)).toBe(true);
      expect(await store.get(pending.id)).toBeNull();
      expect(await store.deletePending(queued.id)).toBe(false);
      expect(await store.get(queued.id)).not.toBeNull();
      expect(await store.deletePending(pending.id)).toBe(false);
    });
  });

  describe('generated_videos', () => {
    it('inserts the row unless it exists, and returns the stored one either way', async () => {
      const id = randomUUID();
      const userId = randomUUID();
      const first = await store.insertGeneratedVideo(video(id, userId));
      expect(first).toMatchObject(video(id, userId));
      expect(first.created_at).toEqual(expect.any(String));
      const second = await store.insertGeneratedVideo({ ...video(id, userId), title: 'a second render' });
      expect(second).toEqual(first);
      expect(await store.getGeneratedVideo(id)).toEqual(first);
      expect(await store.getGeneratedVideo(randomUUID())).toBeNull();
    });
  });

  describe('scans', () => {
    it('lists jobs in the given states unchanged since a time, least recently updated first', async () => {
      const a = await store.createIfAbsent(newJob({ status: 'queued' }));
      await later(3);
      const b = await store.createIfAbsent(newJob({ status: 'generating' }));
      await later(3);
      const c = await store.createIfAbsent(newJob({ status: 'completed' }));
      await later(3);
      const mid = new Date();
      await later(3);
      const d = await store.createIfAbsent(newJob({ status: 'queued' }));
      const ours = (jobs: { id: string }[]) => jobs.map((j) => j.id).filter((id) => [a.id, b.id, c.id, d.id].includes(id));
      expect(ours(await store.listStale(['queued', 'generating'], mid, 1000))).toEqual([a.id, b.id]);
      expect(ours(await store.listStale(['queued', 'generating'], new Date(Date.now() + 60_000), 1000))).toEqual([a.id, b.id, d.id]);
      // Touching a row makes it fresh again.
      await store.updateWhere(a.id, ['queued'], { progress: 1 });
      expect(ours(await store.listStale(['queued', 'generating'], new Date(Date.now() + 60_000), 1000))).toEqual([b.id, d.id, a.id]);
      expect(await store.listStale(['queued'], new Date(Date.now() + 60_000), 1)).toHaveLength(1);
    });

    it('lists jobs by state alone, least recently updated first, at most `limit`', async () => {
      const first = await store.createIfAbsent(newJob({ status: 'rendering' }));
      await later(3);
      const second = await store.createIfAbsent(newJob({ status: 'rendering' }));
      const rendering = await store.listByStatus(['rendering'], 1000);
      expect(rendering.every((j) => j.status === 'rendering')).toBe(true);
      const ids = rendering.map((j) => j.id);
      expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
      expect(await store.listByStatus(['rendering'], 1)).toHaveLength(1);
    });
  });
});
