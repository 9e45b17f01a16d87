import { abortError, RequestError } from './client-errors';
import type { PutProgress, PutTransport } from './upload-transport';
import { abortableSleep } from '../../shared/domain/abortable-sleep';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before retry n (the last value repeats). */
  delaysMs: readonly number[];
}

export const DEFAULT_PUT_RETRY: RetryPolicy = { attempts: 4, delaysMs: [500, 1500, 4000] };

/**
 * A dropped connection (no answer), a 5xx or a 429 from storage is worth another try with the same
 * presigned URL; a 4xx is not (the URL expired or the file does not match what was signed).
 */
function isTransient(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

/** PUTs the file to the presigned URL, retrying dropped connections, until done, refused or cancelled. */
export async function putWithRetry(
  transport: PutTransport,
  url: string,
  headers: Record<string, string>,
  body: Blob,
  opts: { onProgress?: (p: PutProgress) => void; signal?: AbortSignal; retry?: RetryPolicy },
): Promise<void> {
  const policy = opts.retry ?? DEFAULT_PUT_RETRY;
  for (let attempt = 1; ; attempt++) {
    const result = await transport(url, headers, body, { onProgress: opts.onProgress, signal: opts.signal });
    if (result.status >= 200 && result.status < 300) return;
    if (!isTransient(result.status) || attempt >= policy.attempts) {
      throw new RequestError(
        'upload_failed',
        result.status === 0
          ? `The upload could not reach the storage server (tried ${attempt} times). Check your connection and try again.`
          : `The storage server refused the upload (HTTP ${result.status}${storageErrorCode(result.body)}).`,
        result.status,
      );
    }
    // Progress starts again from zero with the next attempt: tell the listener so the bar does not lie.
    opts.onProgress?.({ loaded: 0, total: body.size });
    await sleep(policy.delaysMs[Math.min(attempt - 1, policy.delaysMs.length - 1)] ?? 1000, opts.signal);
  }
}

/** S3 answers errors as XML `<Code>…</Code>`: the code says more than the status. */
function storageErrorCode(body: string): string {
  const code = /<Code>([^<]{1,64})<\/Code>/.exec(body)?.[1];
  return code ? `: ${code}` : '';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal, abortError);
}
