import type { SupabaseClient } from '@supabase/supabase-js';
import type { UploadTicket } from '../../shared/domain/upload-request';
import type { JobOptionsInput } from '../../shared/domain/job-options';
import { checkPhoto, type PhotoFile } from './check-photo';
import { abortError, RequestError } from './client-errors';
import { putWithRetry, type RetryPolicy } from './put-with-retry';
import { defaultPutTransport, type PutProgress, type PutTransport } from './upload-transport';

export interface SubmitDeps {
  supabase: SupabaseClient;
  /** The upload endpoint: `/uploads` on the page's origin locally, the web API's Function URL in AWS. */
  uploadsUrl: string;
  transport?: PutTransport;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
}

export interface SubmitCallbacks {
  /** Bytes sent of the photo; `fraction` is 0..1. Starts again at 0 if a dropped upload is retried. */
  onUploadProgress?: (progress: PutProgress & { fraction: number }) => void;
  /** Called once the job exists (before the upload), so a caller can start watching it at once. */
  onJobCreated?: (jobId: string) => void;
  signal?: AbortSignal;
}

/**
 * Checks the photo and options, asks `POST /uploads` for a job and a presigned URL, and PUTs the
 * photo there with progress. Resolves with the job id once the photo is stored: from then on the
 * pipeline runs by itself (follow it with `watchJob`). Rejects with a `ValidationError` (refused
 * before any request), a `RequestError` (refused or failed by a server) or an `AbortError`.
 */
export async function submitPhoto(deps: SubmitDeps, file: PhotoFile, options: JobOptionsInput, callbacks: SubmitCallbacks = {}): Promise<string> {
  const { signal } = callbacks;
  const request = await checkPhoto(file, options);
  if (signal?.aborted) throw abortError(signal);
  const { data } = await deps.supabase.auth.getSession();
  const token = data.session?.access_token;
  if (!token) throw new RequestError('unauthorized', 'You are not signed in: sign in and try again.', 401);

  const doFetch = deps.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(deps.uploadsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: request.filename, contentType: request.contentType, size: request.size, ...request.options }),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw new RequestError('network', `The upload service could not be reached: ${(err as Error).message}`, 0, { cause: err });
  }
  const answer = (await res.json().catch(() => null)) as (UploadTicket & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok || !answer?.uploadUrl) {
    throw new RequestError(answer?.error?.code ?? 'upload_refused', answer?.error?.message ?? `The upload service answered HTTP ${res.status}.`, res.status);
  }
  callbacks.onJobCreated?.(answer.jobId);
  await putWithRetry(deps.transport ?? defaultPutTransport(), answer.uploadUrl, answer.headers, file, {
    signal,
    retry: deps.retry,
    onProgress: (p) => callbacks.onUploadProgress?.({ ...p, fraction: p.total > 0 ? Math.min(1, p.loaded / p.total) : 0 }),
  });
  return answer.jobId;
}
