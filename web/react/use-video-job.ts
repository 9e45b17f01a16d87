import { useCallback, useEffect, useState } from 'react';
import type { VideoClient } from '../client/create-video-client';
import { isAbortError, JobFailedError } from '../client/client-errors';
import type { ConnectionState } from '../client/watch-job';
import type { GeneratedVideo, VideoJob } from '../../shared/domain/video-job';

export interface VideoJobState {
  /** The job's row as last heard (null until the first read). */
  job: VideoJob | null;
  /** The finished video's row, once the job completed. */
  video: GeneratedVideo | null;
  /** Why the job failed (or why following it failed), in words fit to show. */
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
  const [video, setVideo] = useState<GeneratedVideo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [round, setRound] = useState(0);

  useEffect(() => {
    setJob(null);
    setVideo(null);
    setError(null);
    if (!jobId) return;
    const controller = new AbortController();
    client
      .watch(jobId, { signal: controller.signal, onChange: setJob, onConnection: setConnection })
      .then(setVideo, (err: unknown) => {
        if (isAbortError(err)) return;
        if (err instanceof JobFailedError) setJob(err.job);
        setError((err as Error).message);
      });
    return () => controller.abort();
  }, [client, jobId, round]);

  const replay = useCallback(async () => {
    if (!jobId) return;
    await client.replay(jobId);
    setRound((r) => r + 1);
  }, [client, jobId]);

  return { job, video, error, connection, replay };
}
