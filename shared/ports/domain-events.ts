import type { JobStatus } from '../domain/job-status';

/** Domain events on the custom EventBridge bus (source `villa-video.pipeline`); other services (mail, billing, analytics) subscribe to these. */
export interface JobStatusChanged {
  jobId: string;
  userId: string;
  status: JobStatus;
  progress?: number;
  error?: string;
  videoUrl?: string;
}

export interface DomainEvents {
  jobStatusChanged(detail: JobStatusChanged): Promise<void>;
  replayRequested(detail: { jobId: string; userId: string; sourceKey: string; requestedBy: string }): Promise<void>;
}
