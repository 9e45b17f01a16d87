import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUILTIN_JOB_DEFAULTS } from '../../../shared/domain/job-options';
import { JobReporter } from '../../../shared/pipeline/job-reporter';
import { databaseDown, MemoryJobStore } from '../../helpers/memory-job-store';
import { RecordingEvents, recordingLogger } from '../../helpers/pipeline-fakes';
import { USER } from '../../helpers/pipeline-harness';

afterEach(() => {
  vi.useRealTimers();
});

async function setup(status: 'generating' | 'completed' = 'generating') {
  const jobs = new MemoryJobStore();
  const events = new RecordingEvents();
  const logger = recordingLogger();
  const reporter = new JobReporter(jobs, events, logger, 1000);
  const job = await jobs.createIfAbsent({ id: crypto.randomUUID(), user_id: USER, status, options: BUILTIN_JOB_DEFAULTS, origin: 'upload', source_key: null });
  return { jobs, events, logger, reporter, job };
}

describe('JobReporter', () => {
  it('publishes a status change with the job’s progress, its error when it has one, and extras', async () => {
    const { reporter, events, job } = await setup();
    await reporter.statusChanged({ ...job, progress: 55 });
    await reporter.statusChanged({ ...job, status: 'failed', error: 'LTX refused' });
    await reporter.statusChanged({ ...job, status: 'completed', progress: 100 }, { videoUrl: 'https://cdn/v.mp4' });
    expect(events.statuses).toEqual([
      { jobId: job.id, userId: USER, status: 'generating', progress: 55 },
      { jobId: job.id, userId: USER, status: 'failed', progress: 0, error: 'LTX refused' },
      { jobId: job.id, userId: USER, status: 'completed', progress: 100, videoUrl: 'https://cdn/v.mp4' },
    ]);
  });

  it('writes progress at most once a second and only forward, rounded and within 0..100', async () => {
    vi.useFakeTimers({ now: new Date('2025-06-01T12:00:00Z'), toFake: ['Date'] });
    const { reporter, jobs, job } = await setup();
    await reporter.progress(job.id, 'generating', 10.4);
    await reporter.progress(job.id, 'generating', 20);
    expect((await jobs.get(job.id))?.progress).toBe(10);
    vi.advanceTimersByTime(1001);
    await reporter.progress(job.id, 'generating', 8);
    expect((await jobs.get(job.id))?.progress).toBe(10);
    await reporter.progress(job.id, 'generating', 250);
    expect((await jobs.get(job.id))?.progress).toBe(100);
    expect(jobs.calls.filter((c) => c.startsWith('updateWhere'))).toHaveLength(2);
  });

  it('writes progress only while the job is in the stage that reports it', async () => {
    const { reporter, jobs, job } = await setup();
    await reporter.progress(job.id, 'rendering', 70);
    expect((await jobs.get(job.id))?.progress).toBe(0);
  });

  it('logs a progress write that fails instead of failing the stage', async () => {
    const { reporter, jobs, logger, job } = await setup();
    jobs.fault = () => databaseDown('update of video_jobs');
    await expect(reporter.progress(job.id, 'generating', 40)).resolves.toBeUndefined();
    expect(logger.lines.find((l) => l.message === 'progress not recorded')?.fields).toMatchObject({ jobId: job.id });
  });

  it('records a failure with its reason and publishes it, unless the job already ended', async () => {
    const active = await setup();
    expect(await active.reporter.fail(active.job, 'The photo is empty (0 bytes).')).toMatchObject({ status: 'failed', error: 'The photo is empty (0 bytes).' });
    expect(active.events.statuses.map((s) => s.status)).toEqual(['failed']);

    const done = await setup('completed');
    expect(await done.reporter.fail(done.job, 'late failure')).toBeNull();
    expect((await done.jobs.get(done.job.id))?.status).toBe('completed');
    expect(done.events.statuses).toEqual([]);
  });

  it('writes the next progress at once after a retry forgot the job', async () => {
    vi.useFakeTimers({ now: new Date('2025-06-01T12:00:00Z'), toFake: ['Date'] });
    const { reporter, jobs, job } = await setup();
    await reporter.progress(job.id, 'generating', 40);
    reporter.forget(job.id);
    await jobs.updateWhere(job.id, ['generating'], { status: 'queued', progress: 0 });
    await jobs.updateWhere(job.id, ['queued'], { status: 'generating' });
    await reporter.progress(job.id, 'generating', 5);
    expect((await jobs.get(job.id))?.progress).toBe(5);
  });
});
