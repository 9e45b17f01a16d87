import { derivedJobId } from '../../shared/domain/derived-job-id';
import { imageKey } from '../../shared/domain/keys';
import { optionsToMetadata } from '../../shared/domain/job-metadata';
import { resolveJobOptions, type JobOptionsInput } from '../../shared/domain/job-options';
import { parsePipelineObject, type PipelineObject } from '../../shared/domain/pipeline-object';
import type { S3ObjectCreatedEvent, ObjectCreatedReason } from '../../shared/domain/object-created-event';
import type { VideoJob } from '../../shared/domain/video-job';
import { JobReporter } from '../../shared/pipeline/job-reporter';
import { runLtxStep, type LtxStepDeps } from '../../shared/pipeline/run-ltx-step';
import { runRenderStep, type RenderStepDeps } from '../../shared/pipeline/run-render-step';
import { sweepStuckJobs, type SweepDeps } from '../../shared/pipeline/sweep-stuck-jobs';
import { finishRenderWebhook, type RenderWebhookDeps } from '../../shared/pipeline/finish-render-webhook';
import type { RemotionWebhook } from '../../shared/domain/remotion-webhook';
import { FakeRenderStarter } from './fake-render-starter';
import { MemoryRenderRecords } from './memory-render-records';
import { objectCreatedEvent } from './events';
import { MemoryJobStore } from './memory-job-store';
import { etagOf, MemoryObjectStore } from './memory-object-store';
import { FakeRenderer, FakeVideoGenerator, jpegBytes, RecordingEvents, recordingLogger, TEST_CONFIG } from './pipeline-fakes';

export const USER = '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f';
export const OTHER_USER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/**
 * The pipeline's steps wired in process on the in-memory stores and the fakes: what the handlers
 * compose in AWS, minus the network. A test moves time with `clock.advance` and delivers events by
 * hand, so duplicates and out-of-order arrivals are explicit.
 */
export function pipelineHarness(overrides: { config?: Partial<typeof TEST_CONFIG> } = {}) {
  const clock = { now: new Date('2025-06-01T12:00:00Z'), advance(ms: number) { this.now = new Date(this.now.getTime() + ms); } };
  const now = () => new Date(clock.now);
  const store = new MemoryObjectStore(TEST_CONFIG.bucket);
  const jobs = new MemoryJobStore(now);
  const generator = new FakeVideoGenerator();
  const renderer = new FakeRenderer(store);
  const renders = new MemoryRenderRecords(now);
  const starter = new FakeRenderStarter(renderer);
  const events = new RecordingEvents();
  const logger = recordingLogger();
  const reporter = new JobReporter(jobs, events, logger);
  const config = { ...TEST_CONFIG, ...overrides.config };
  const ltxDeps: LtxStepDeps = { store, jobs, generator, reporter, logger, config };
  const renderDeps: RenderStepDeps = { store, jobs, renders, starter, reporter, logger, config, now };
  const webhookDeps: RenderWebhookDeps = { store, jobs, renders, reporter, logger, config, now };
  const sweepDeps: SweepDeps = { store, jobs, reporter, logger, config };

  /** The Object Created event S3 sends for the object now at `key`. */
  function eventFor(key: string, reason: ObjectCreatedReason = 'PutObject'): S3ObjectCreatedEvent {
    const stored = store.objects.get(key);
    if (!stored) throw new Error(`nothing at ${key} to send an event for`);
    return objectCreatedEvent({ bucket: store.bucket, key, size: stored.body.length, etag: etagOf(stored.body), reason });
  }

  return {
    clock,
    store,
    jobs,
    generator,
    renderer,
    renders,
    starter,
    events,
    logger,
    reporter,
    config,
    ltxDeps,
    renderDeps,
    webhookDeps,
    sweepDeps,
    eventFor,
    /** What the steps receive for the object now at `key`. */
    objectAt(key: string, reason?: ObjectCreatedReason): PipelineObject {
      return parsePipelineObject(eventFor(key, reason));
    },
    ltx: (key: string, reason?: ObjectCreatedReason) => runLtxStep(ltxDeps, parsePipelineObject(eventFor(key, reason))),
    render: (key: string, reason?: ObjectCreatedReason) => runRenderStep(renderDeps, parsePipelineObject(eventFor(key, reason))),
    sweep: (olderThan?: Date) => sweepStuckJobs(sweepDeps, now(), olderThan),
    /** Remotion's webhook, as the API's route hands it on once its signature is verified. */
    webhook: (webhook: RemotionWebhook) => finishRenderWebhook(webhookDeps, webhook),

    /** A `POST /uploads` job and its photo PUT to the presigned key (the job stays `pending_upload` until its event). */
    async uploadedPhoto(options: JobOptionsInput = {}, userId = USER, jobId = crypto.randomUUID()): Promise<{ job: VideoJob; key: string }> {
      const key = imageKey(userId, jobId, 'jpg');
      const resolved = resolveJobOptions(options, config.jobDefaults);
      const job = await jobs.createIfAbsent({ id: jobId, user_id: userId, status: 'pending_upload', options: resolved, origin: 'upload', source_key: key });
      await store.put(key, jpegBytes(), { contentType: 'image/jpeg', metadata: { 'job-id': jobId, 'user-id': userId, ...optionsToMetadata(resolved) } });
      return { job, key };
    },

    /** A photo an operator dropped under `key`, with the job id the LTX step will derive for it. */
    async droppedPhoto(key: string, bytes = jpegBytes(), metadata: Record<string, string> = {}): Promise<{ key: string; jobId: string }> {
      const { etag } = await store.put(key, bytes, { contentType: 'image/jpeg', metadata });
      return { key, jobId: derivedJobId(store.bucket, key, etag!) };
    },
  };
}

export type PipelineHarness = ReturnType<typeof pipelineHarness>;
