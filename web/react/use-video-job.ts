import { useCallback, useEffect, useState } from 'react';
import type { VideoClient } from '../client/create-video-client';
import { isAbortError, JobFailedError } from '../client/client-errors';
import type { FormatFailure, FormatVideo, JobOutputs } from '../client/job-outputs';
import type { ConnectionState } from '../client/watch-job';
import type { VideoJob } from '../../shared/domain/video-job';

export interface VideoJobState {
  /** The job's row as last heard (null until the first read). */
  job: VideoJob | null;
  /** Every video the job made, one per format in the canonical order (16:9, 9:16, 4:5, 1:1); empty until it completed. */
  videos: FormatVideo[];
  /** The first of `videos` (a one-format job's only video), null until the job completed. */
  video: FormatVideo | null;
  /** Formats the job asked for that did not come out, with why: a job can complete with some of them failed. */
  failures: FormatFailure[];
  /** Why the job failed as a whole (or why following it failed), in words fit to show. */
  error: string | null;
  connection: ConnectionState;
  /** Runs a failed job again from its photo and follows it anew; rejects with the refusal's reason. */
  replay: () => Promise<void>;
}

/**
 * Follows a job with `client.watch` for as long as the component shows it: `jobId` null follows
 * nothing; a new id, or `replay()`, starts over.
 */
export function useVideoJob(client: Pick<VideoClient, 'watch' | 'replay'>, jobId: string | null | undefined): VideoJobState {
  const [job, setJob] = useState<VideoJob | null>(null);
  const [outputs, setOutputs] = useState<JobOutputs | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [round, setRound] = useState(0);

  useEffect(() => {
    setJob(null);
    setOutputs(null);
    setError(null);
    if (!jobId) return;
    const controller = new AbortController();
    client
      .watch(jobId, { signal: controller.signal, onChange: setJob, onConnection: setConnection })
      .then(
        (done) => {
          setJob(done.job);
          setOutputs(done);
        },
        (err: unknown) => {
          if (isAbortError(err)) return;
          if (err instanceof JobFailedError) setJob(err.job);
          setError((err as Error).message);
        },
      );
    return () => controller.abort();
  }, [client, jobId, round]);

  const replay = useCallback(async () => {
    if (!jobId) return;
    await client.replay(jobId);
    setRound((r) => r + 1);
  }, [client, jobId]);

  return { job, videos: outputs?.videos ?? [], video: outputs?.video ?? null, failures: outputs?.failures ?? [], error, connection, replay };
}
