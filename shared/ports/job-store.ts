import type { JobStatus } from '../domain/job-status';
import type { GeneratedVideo, JobPatch, NewJob, NewUploadJob, VideoJob } from '../domain/video-job';

/** What the handlers need of the database; the real one is SupabaseJobStore. */
export interface JobStore {
  /**
   * `POST /uploads`'s insert: a `pending_upload` job of `upload` origin, written only while the user
   * has fewer than `limit` jobs created since `since` (null: no limit). The count and the insert are one
   * decision (two uploads of a user at once are counted one after the other). `used` is the user's count
   * including the new job; the same id twice returns the stored row.
   */
  createUpload(job: NewUploadJob, since: Date, limit: number | null): Promise<{ job: VideoJob; used: number } | { refused: true; used: number }>;
  /** Inserts the job unless one with its id exists; returns the stored row either way. */
  createIfAbsent(job: NewJob): Promise<VideoJob>;
  get(id: string): Promise<VideoJob | null>;
  /**
   * Compare-and-set: applies `patch` only while the job's status is one of `from` (and, when given,
   * its attempts still equal `attempts`). Returns the updated row, or null when another delivery
   * got there first. This is how handlers claim work exactly once.
   */
  updateWhere(id: string, from: readonly JobStatus[], patch: JobPatch, attempts?: number): Promise<VideoJob | null>;
  /** Jobs of the user (null: of every user) created since `since`. */
  countCreatedSince(userId: string | null, since: Date): Promise<number>;
  /** Ids of the user's (null: every user's) jobs created since `since`, oldest first (ties by id), at most `limit`. */
  listCreatedSince(userId: string | null, since: Date, limit: number): Promise<string[]>;
  /** Removes a job that never started (still `pending_upload`); false when it is not in that state. */
  deletePending(id: string): Promise<boolean>;
  /** Inserts the finished video's row unless it exists (its id is the job's id). */
  insertGeneratedVideo(row: GeneratedVideo): Promise<GeneratedVideo>;
  getGeneratedVideo(id: string): Promise<GeneratedVideo | null>;
  /** Jobs in one of `statuses` whose row has not changed since `before`. */
  listStale(statuses: readonly JobStatus[], before: Date, limit: number): Promise<VideoJob[]>;
  /** Completed-render candidates: jobs in `rendering` whose deliverables may exist without a row. */
  listByStatus(statuses: readonly JobStatus[], limit: number): Promise<VideoJob[]>;
}
