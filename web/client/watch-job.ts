import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import type { VideoJob } from '../../shared/domain/video-job';
import { abortError, JobFailedError, RequestError } from './client-errors';
import { readJobOutputs, type JobOutputs } from './job-outputs';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting';

export interface WatchHandlers {
  /** The job's row whenever its status, progress or error changes (never an older state than one already given). */
  onChange?: (job: VideoJob) => void;
  /** Realtime's state for this job: `live` once subscribed (again), `reconnecting` while cut off. */
  onConnection?: (state: ConnectionState) => void;
  signal?: AbortSignal;
}

let watchCount = 0;

/**
 * Follows one job to its end over Supabase Realtime: the `video_jobs` row's changes. Whenever the
 * subscription is confirmed (the first time and after every reconnect, which supabase-js performs by
 * itself) the current row is read as well, so an end that happened while nobody was listening is
 * still seen. Resolves with every video the job made (`JobOutputs`: `videos` one per format, `video`
 * the first, `failures` the formats that did not come out when the job completed with an `error`);
 * rejects with a `JobFailedError` whose message is the job's failure reason, or an `AbortError`.
 *
 * The job's row turning `completed` is the signal: the pipeline writes it after the last format's
 * `generated_videos` row, so a single row's insert (one format of several) is not the end.
 *
 * The client must be signed in as the job's owner (row-level security) or use the service role.
 */
export function watchJob(supabase: SupabaseClient, jobId: string, handlers: WatchHandlers = {}): Promise<JobOutputs> {
  const { signal } = handlers;
  return new Promise<JobOutputs>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    let settled = false;
    let latest: VideoJob | null = null;
    let channel: RealtimeChannel | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    const cleanup = () => {
      settled = true;
      clearTimeout(retryTimer);
      signal?.removeEventListener('abort', onAbort);
      if (channel) void supabase.removeChannel(channel);
    };
    const finish = (outputs: JobOutputs) => {
      if (settled) return;
      cleanup();
      resolve(outputs);
    };
    const fail = (err: Error) => {
      if (settled) return;
      cleanup();
      reject(err);
    };
    const onAbort = () => fail(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });

    const readOutputs = async (job: VideoJob): Promise<void> => {
      const outputs = await readJobOutputs(supabase, job);
      // None readable yet (a replica behind the primary): read the row and the videos again shortly.
      if (outputs) finish(outputs);
      else retryRead();
    };

    const apply = (job: VideoJob, fromRead: boolean) => {
      if (settled) return;
      // A read that started before an update may answer after it: never step back in time.
      if (latest && Date.parse(job.updated_at) < Date.parse(latest.updated_at)) return;
      const changed = !latest || latest.status !== job.status || latest.progress !== job.progress || latest.error !== job.error;
      latest = job;
      if (changed) handlers.onChange?.(job);
      if (job.status === 'failed') fail(new JobFailedError(job));
      // The pipeline records every format's video before it marks the job completed, so the rows are
      // there. Their ids are taken from the row as read, not from the Realtime payload (which may
      // carry a large row's columns cut short).
      else if (job.status === 'completed') void (fromRead ? readOutputs(job) : readCurrent()).catch(retryRead);
    };

    const readCurrent = async () => {
      const { data, error } = await supabase.from('video_jobs').select('*').eq('id', jobId).maybeSingle();
      if (error) throw new RequestError('read_failed', `The job could not be read: ${error.message}`, 0);
      // No row yet is normal for a photo dropped by hand: its job is created when the photo lands.
      if (data) apply(data as VideoJob, true);
    };
    // A failed read (the API restarting) is tried again shortly; the subscription keeps listening meanwhile.
    const retryRead = () => {
      if (settled) return;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void readCurrent().catch(retryRead), 2000);
    };

    handlers.onConnection?.('connecting');
    channel = supabase
      .channel(`video-job:${jobId}:${++watchCount}:${Math.random().toString(36).slice(2, 8)}`)
      .on('postgres_changes', { event: '*', schema: 'public', table: 'video_jobs', filter: `id=eq.${jobId}` }, (payload) => {
        if (payload.eventType !== 'DELETE') apply(payload.new as VideoJob, false);
      })
      .subscribe((status) => {
        if (settled) return;
        if (status === 'SUBSCRIBED') {
          handlers.onConnection?.('live');
          void readCurrent().catch(retryRead);
        } else {
          // CHANNEL_ERROR, TIMED_OUT or CLOSED: supabase-js rejoins by itself and says SUBSCRIBED again.
          handlers.onConnection?.('reconnecting');
        }
      });
  });
}
