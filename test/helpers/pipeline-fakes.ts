import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineConfig } from '../../shared/config';
import { BUILTIN_JOB_DEFAULTS, type JobOptions } from '../../shared/domain/job-options';
import { LTX_PRICES_USD_PER_SECOND } from '../../shared/domain/ltx/ltx-prices';
import type { DomainEvents, JobStatusChanged } from '../../shared/ports/domain-events';
import type { Logger, LogLevel } from '../../shared/ports/logger';
import type { ObjectStore } from '../../shared/ports/object-store';
import type { Renderer, RenderRequest, RenderResult } from '../../shared/ports/renderer';
import type { ClipGenerationInput, GeneratedClip, VideoGenerator } from '../../shared/ports/video-generator';

/**
 * Stand-ins for the ports that cannot run in process (LTX, Remotion, the domain bus), for the step
 * tests: each records what it was asked, and fails when a test tells it to.
 */

/** Bytes that pass the photo checks (a JPEG header declaring 16x16) without being a photo anyone decodes. */
export function jpegBytes(size = 2048): Buffer {
  const bytes = Buffer.alloc(size, 0x20);
  // SOI, then a baseline frame header (SOF0): 8-bit, height 16, width 16, three components.
  bytes.set([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  return bytes;
}

/** An MP4-looking clip (`ftyp` box first), as LTX answers. */
export const CLIP_BYTES = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(1000, 1)]);

/** LTX-2: writes a clip file per call; `failures` are thrown first, one per call. */
export class FakeVideoGenerator implements VideoGenerator {
  readonly calls: Array<Pick<ClipGenerationInput, 'imageUri' | 'options' | 'clip'>> = [];
  readonly failures: Error[] = [];
  /** Runs inside a call, before it answers (tests deliver other events "while LTX works" here). */
  during: (() => Promise<void>) | undefined;
  private dir: Promise<string> | undefined;

  async generate(input: ClipGenerationInput): Promise<GeneratedClip> {
    this.calls.push({ imageUri: input.imageUri, options: input.options, clip: input.clip });
    await this.during?.();
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.dir ??= mkdtemp(join(tmpdir(), 'fake-ltx-'));
    const path = join(await this.dir, `clip-${this.calls.length}.mp4`);
    await writeFile(path, CLIP_BYTES);
    return { path, sizeBytes: CLIP_BYTES.length, requestId: `ltx-req-${this.calls.length}`, attempts: 1, dispose: () => rm(path, { force: true }) };
  }

  async close(): Promise<void> {
    if (this.dir) await rm(await this.dir, { recursive: true, force: true });
  }
}

/** Remotion: writes a video and a poster where asked, with the metadata the real renderers set. */
export class FakeRenderer implements Renderer {
  readonly requests: RenderRequest[] = [];
  readonly failures: Error[] = [];
  /** Runs after the deliverables are written, before the render answers (tests break the database here). */
  afterWrite: (() => void) | undefined;

  constructor(private readonly store: ObjectStore) {}

  async render(request: RenderRequest): Promise<RenderResult> {
    this.requests.push(request);
    const failure = this.failures.shift();
    if (failure) throw failure;
    request.onProgress?.(0.5);
    const video = Buffer.concat([CLIP_BYTES, Buffer.from(request.jobId)]);
    await this.store.put(request.videoKey, video, {
      contentType: 'video/mp4',
      metadata: { width: String(request.width), height: String(request.height), 'duration-seconds': String(request.props.clipDurationSeconds) },
    });
    await this.store.put(request.thumbnailKey, jpegBytes(512), { contentType: 'image/jpeg' });
    request.onProgress?.(1);
    this.afterWrite?.();
    return {
      videoKey: request.videoKey,
      thumbnailKey: request.thumbnailKey,
      sizeBytes: video.length,
      durationSeconds: request.props.clipDurationSeconds,
      width: request.width,
      height: request.height,
      renderSeconds: 0.01,
    };
  }
}

/** The domain bus: keeps what was published. */
export class RecordingEvents implements DomainEvents {
  readonly statuses: JobStatusChanged[] = [];
  readonly replays: Array<{ jobId: string; userId: string; sourceKey: string; requestedBy: string }> = [];
  replayFailure: Error | undefined;

  async jobStatusChanged(detail: JobStatusChanged): Promise<void> {
    this.statuses.push(detail);
  }

  async replayRequested(detail: { jobId: string; userId: string; sourceKey: string; requestedBy: string }): Promise<void> {
    if (this.replayFailure) throw this.replayFailure;
    this.replays.push(detail);
  }

  statusesOf(jobId: string): string[] {
    return this.statuses.filter((s) => s.jobId === jobId).map((s) => s.status);
  }
}

export interface LogLine {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps its lines (children included) for assertions. */
export function recordingLogger(lines: LogLine[] = [], base: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  return {
    lines,
    log(level, message, fields = {}) {
      lines.push({ level, message, fields: { ...base, ...fields } });
    },
    child(fields) {
      return recordingLogger(lines, { ...base, ...fields });
    },
  };
}

export const OPERATOR_ID = '00000000-0000-4000-8000-000000000001';

/** The configuration the steps read, with the deployed defaults. */
export const TEST_CONFIG = {
  bucket: 'villa-video-test',
  jobDefaults: BUILTIN_JOB_DEFAULTS,
  ltxPrices: LTX_PRICES_USD_PER_SECOND,
  operatorUserId: OPERATOR_ID,
  maxJobAttempts: 3,
  maxJobsPerDay: 50,
  anonymousJobsPerDay: 5,
  maxJobsPerDayTotal: 0,
  uploadUrlTtlSeconds: 300,
  stuckJobMinutes: 15,
  publicMediaBaseUrl: 'https://cdn.example.test/',
  maxConcurrentRenders: 30,
} satisfies Partial<PipelineConfig>;
