import type { JobStatus } from './job-status';
import type { JobOptions } from './job-options';

/** A `video_jobs` row (supabase/migrations). */
export interface VideoJob {
  id: string;
  user_id: string;
  status: JobStatus;
  progress: number;
  error: string | null;
  source_key: string | null;
  source_etag: string | null;
  ltx_key: string | null;
  video_key: string | null;
  thumbnail_key: string | null;
  options: JobOptions;
  origin: 'upload' | 'operator';
  attempts: number;
  ltx_request_id: string | null;
  generated_video_id: string | null;
  /** The `generated_videos` rows of the formats that succeeded, canonical order; written with the completion (null on rows from before formats). */
  generated_video_ids: string[] | null;
  /** US dollars LTX charged for the clip (seconds × the configured price); null until the clip is stored. */
  ltx_cost_usd: number | null;
  /** US dollars Remotion reported for the render (poster included); null until the render succeeded. */
  render_cost_usd: number | null;
  created_at: string;
  updated_at: string;
}

export type NewJob = Pick<VideoJob, 'id' | 'user_id' | 'status' | 'options' | 'origin' | 'source_key'> & Partial<Pick<VideoJob, 'source_etag' | 'progress' | 'error'>>;
/** What `POST /uploads` records: the job waits for its photo (`pending_upload`, origin `upload`). */
export type NewUploadJob = Pick<VideoJob, 'id' | 'user_id' | 'options' | 'source_key'> & { source_key: string };
export type JobPatch = Partial<Omit<VideoJob, 'id' | 'user_id' | 'created_at' | 'updated_at'>>;

/** A `generated_videos` row, exactly the production columns. */
export interface GeneratedVideo {
  id: string;
  user_id: string;
  title: string;
  subtitle: string;
  video_url: string;
  thumbnail_url: string;
  filename: string;
  file_size_mb: number;
  duration_seconds: number;
  resolution: string;
  camera_prompt: string;
  music_file: string;
  status: string;
  generation_time_seconds: number;
  created_at?: string;
}
