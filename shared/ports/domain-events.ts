import type { JobStatus } from '../domain/job-status';

/** Domain events on the custom bus (DESIGN.md, "Domain events"); other services subscribe to these. */
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
