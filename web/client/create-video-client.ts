import type { SupabaseClient } from '@supabase/supabase-js';
import type { VideoJob } from '../../shared/domain/video-job';
import type { JobOptionsInput } from '../../shared/domain/job-options';
import type { PhotoFile } from './check-photo';
import type { FormatVideo, JobOutputs } from './job-outputs';
import { listOpenJobs, listVideos } from './list-videos';
import type { RetryPolicy } from './put-with-retry';
import { requestReplay } from './request-replay';
import { submitPhoto, type SubmitCallbacks } from './submit-photo';
import type { PutTransport } from './upload-transport';
import { watchJob, type WatchHandlers } from './watch-job';

export interface VideoClientOptions {
  /** A supabase-js client for the project (signed in, or about to be: the client reads the session at each call). */
  supabase: SupabaseClient;
  /** The upload endpoint (`POST /uploads`): the web API's Function URL, or `/uploads` on the local stack. */
  uploadsUrl: string;
  /** Where `POST /jobs/{id}/replay` is served; default: the upload endpoint's origin. */
  apiBaseUrl?: string;
  transport?: PutTransport;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
}

export interface VideoClient {
  /** `options.formats` (e.g. `['16:9', '9:16']`) asks for several videos; without it the deployment's default (DEFAULT_FORMATS). */
  submit(file: PhotoFile, options: JobOptionsInput, callbacks?: SubmitCallbacks): Promise<string>;
  /** Resolves with every video the job made: `videos` (one per format), `video` (the first), `failures`. */
  watch(jobId: string, handlers?: WatchHandlers): Promise<JobOutputs>;
  replay(jobId: string): Promise<void>;
  listVideos(limit?: number): Promise<FormatVideo[]>;
  listOpenJobs(limit?: number): Promise<VideoJob[]>;
}

/** The browser's way into the pipeline, with its Supabase client injected (nothing global, no framework). */
export function createVideoClient(options: VideoClientOptions): VideoClient {
  const { supabase } = options;
  const apiBaseUrl = options.apiBaseUrl ?? new URL(options.uploadsUrl, globalThis.location?.href).origin;
  return {
    submit: (file, jobOptions, callbacks) =>
      submitPhoto({ supabase, uploadsUrl: options.uploadsUrl, transport: options.transport, retry: options.retry, fetch: options.fetch }, file, jobOptions, callbacks),
    watch: (jobId, handlers) => watchJob(supabase, jobId, handlers),
    replay: (jobId) => requestReplay({ supabase, apiBaseUrl, fetch: options.fetch }, jobId),
    listVideos: (limit) => listVideos(supabase, limit),
    listOpenJobs: (limit) => listOpenJobs(supabase, limit),
  };
}
