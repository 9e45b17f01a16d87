import { UpstreamError } from '../../shared/domain/errors';
import { assertTransitions, type JobStatus } from '../../shared/domain/job-status';
import type { GeneratedVideo, JobPatch, NewJob, NewUploadJob, VideoJob } from '../../shared/domain/video-job';
import type { JobStore } from '../../shared/ports/job-store';

export type JobStoreOperation = keyof JobStore;

/**
 * A JobStore over two Maps, for in-process tests only. It keeps the Supabase store's contract
 * (test/shared/ports/job-store.contract.test.ts runs the same suite against both): compare-and-set
 * on status and attempts, transitions refused per the state machine, insert-if-absent, the unique
 * source object (key and ETag) and the progress range the migrations declare (refused with Postgres's error codes),
 * `updated_at` touched on every update as the trigger does, copies handed out so a caller's edits
 * never reach the "database".
 */
export class MemoryJobStore implements JobStore {
  readonly jobs = new Map<string, VideoJob>();
  readonly videos = new Map<string, GeneratedVideo>();
  /** Every call, in order (`updateWhere:<id>`), for tests that count round trips. */
  readonly calls: string[] = [];
  /**
   * Return an error to make that call fail as the database would (the failure happens before the
   * write). `databaseDown()` builds the error a Supabase outage gives.
   */
  fault: ((operation: JobStoreOperation, jobId: string | undefined) => Error | undefined) | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  private enter(operation: JobStoreOperation, jobId?: string): void {
    this.calls.push(jobId ? `${operation}:${jobId}` : operation);
    const error = this.fault?.(operation, jobId);
    if (error) throw error;
  }

  private lastStamp = 0;

  /**
   * Postgres stamps rows in microseconds, so two writes never tie; a millisecond clock can, and a tie
   * would make "least recently updated first" depend on insertion order. Each stamp is therefore at least
   * one millisecond after the previous one.
   */
  private stamp(): string {
    this.lastStamp = Math.max(this.now().getTime(), this.lastStamp + 1);
    return new Date(this.lastStamp).toISOString();
  }

  private checkRow(row: VideoJob): void {
    if (!Number.isInteger(row.progress) || row.progress < 0 || row.progress > 100) {
      throw constraintViolation('23514', `new row for relation "video_jobs" violates check constraint "video_jobs_progress_check"`);
    }
    // A unique index on (source_key, source_etag): NULLs are distinct, as in Postgres.
    if (row.source_key !== null && row.source_etag !== null) {
      for (const other of this.jobs.values()) {
        if (other.id !== row.id && other.source_key === row.source_key && other.source_etag === row.source_etag) {
          throw constraintViolation('23505', `duplicate key value violates unique constraint "video_jobs_source_object_key"`);
        }
      }
    }
  }

  async createIfAbsent(job: NewJob): Promise<VideoJob> {
    this.enter('createIfAbsent', job.id);
    const existing = this.jobs.get(job.id);
    if (existing) return structuredClone(existing);
    return this.insertNew(job);
  }

  private insertNew(job: NewJob): VideoJob {
    const at = this.stamp();
    const row: VideoJob = {
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
      ...defined(job),
      created_at: at,
      updated_at: at,
    };
    this.checkRow(row);
    this.jobs.set(row.id, row);
    return structuredClone(row);
  }

  async createUpload(job: NewUploadJob, since: Date, limit: number | null): Promise<{ job: VideoJob; used: number } | { refused: true; used: number }> {
    this.enter('createUpload', job.id);
    // No await between the count and the insert: atomic, as the SQL function is under its lock.
    const existing = this.jobs.get(job.id);
    if (existing) return { job: structuredClone(existing), used: this.createdSince(job.user_id, since).length };
    const used = this.createdSince(job.user_id, since).length;
    if (limit !== null && used >= limit) return { refused: true, used };
    const created = this.insertNew({ ...job, status: 'pending_upload', origin: 'upload' });
    return { job: created, used: used + 1 };
  }

  async get(id: string): Promise<VideoJob | null> {
    this.enter('get', id);
    const job = this.jobs.get(id);
    return job ? structuredClone(job) : null;
  }

  async updateWhere(id: string, from: readonly JobStatus[], patch: JobPatch, attempts?: number): Promise<VideoJob | null> {
    assertTransitions(id, from, patch.status);
    this.enter('updateWhere', id);
    const job = this.jobs.get(id);
    if (!job || !from.includes(job.status) || (attempts !== undefined && job.attempts !== attempts)) return null;
    const updated: VideoJob = { ...job, ...defined(patch), updated_at: this.stamp() };
    this.checkRow(updated);
    this.jobs.set(id, updated);
    return structuredClone(updated);
  }

  async countCreatedSince(userId: string | null, since: Date): Promise<number> {
    this.enter('countCreatedSince');
    return this.createdSince(userId, since).length;
  }

  async listCreatedSince(userId: string | null, since: Date, limit: number): Promise<string[]> {
    this.enter('listCreatedSince');
    return this.createdSince(userId, since)
      .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map((j) => j.id);
  }

  private createdSince(userId: string | null, since: Date): VideoJob[] {
    return [...this.jobs.values()].filter((j) => (userId === null || j.user_id === userId) && Date.parse(j.created_at) >= since.getTime());
  }

  async deletePending(id: string): Promise<boolean> {
    this.enter('deletePending', id);
    const job = this.jobs.get(id);
    if (!job || job.status !== 'pending_upload') return false;
    this.jobs.delete(id);
    return true;
  }

  async insertGeneratedVideo(row: GeneratedVideo): Promise<GeneratedVideo> {
    this.enter('insertGeneratedVideo', row.id);
    const existing = this.videos.get(row.id);
    if (existing) return structuredClone(existing);
    const stored: GeneratedVideo = { ...structuredClone(row), created_at: row.created_at ?? this.stamp() };
    this.videos.set(row.id, stored);
    return structuredClone(stored);
  }

  async getGeneratedVideo(id: string): Promise<GeneratedVideo | null> {
    this.enter('getGeneratedVideo', id);
    const video = this.videos.get(id);
    return video ? structuredClone(video) : null;
  }

  async listStale(statuses: readonly JobStatus[], before: Date, limit: number): Promise<VideoJob[]> {
    this.enter('listStale');
    return this.byUpdatedAt((j) => statuses.includes(j.status) && Date.parse(j.updated_at) < before.getTime(), limit);
  }

  async listByStatus(statuses: readonly JobStatus[], limit: number): Promise<VideoJob[]> {
    this.enter('listByStatus');
    return this.byUpdatedAt((j) => statuses.includes(j.status), limit);
  }

  private byUpdatedAt(keep: (job: VideoJob) => boolean, limit: number): VideoJob[] {
    return [...this.jobs.values()]
      .filter(keep)
      .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at))
      .slice(0, limit)
      .map((j) => structuredClone(j));
  }
}

/** A copy without the keys whose value is `undefined`: JSON (what PostgREST receives) has no such keys. */
function defined<T extends object>(value: T): T {
  return structuredClone(Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))) as T;
}

/** What the Supabase store throws for a constraint the database enforces (PostgREST answers 409/400, not retried). */
function constraintViolation(code: string, message: string): UpstreamError {
  return new UpstreamError('supabase', `database write failed: ${message}`, { status: code === '23505' ? 409 : 400, retryable: false, code });
}

/** The error the Supabase store throws while the database is unreachable (PostgREST 503): retried. */
export function databaseDown(operation = 'request'): UpstreamError {
  return new UpstreamError('supabase', `database ${operation} failed: the database is unavailable`, { status: 503, retryable: true, code: 'PGRST002' });
}
