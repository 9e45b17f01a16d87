import type { JobStatus } from '../domain/job-status';
import type { VideoFormat } from '../domain/video-formats';

/** Domain events on the custom EventBridge bus (source `villa-video.pipeline`); other services (mail, billing, analytics) subscribe to these. */
export interface JobStatusChanged {
  jobId: string;
  userId: string;
  status: JobStatus;
  progress?: number;
  error?: string;
  /** The first format's video (a one-format job's only one). */
  videoUrl?: string;
  /** On completion: every video made, one per format that succeeded, canonical order. */
  videos?: Array<{ format: VideoFormat; videoUrl: string; generatedVideoId: string }>;
  /** On completion or failure: the formats given up (their reasons are in `error`). */
  failedFormats?: VideoFormat[];
}

export interface DomainEvents {
  jobStatusChanged(detail: JobStatusChanged): Promise<void>;
  replayRequested(detail: { jobId: string; userId: string; sourceKey: string; requestedBy: string }): Promise<void>;
}
