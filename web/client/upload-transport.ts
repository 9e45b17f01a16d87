import { abortError } from './client-errors';

export interface PutResult {
  /** 0 when the connection dropped before any answer. */
  status: number;
  body: string;
}

export interface PutProgress {
  loaded: number;
  total: number;
}

/** Sends one PUT; resolves with whatever the server answered (or status 0 for a dropped connection). */
export type PutTransport = (
  url: string,
  headers: Record<string, string>,
  body: Blob,
  opts: { onProgress?: (p: PutProgress) => void; signal?: AbortSignal },
) => Promise<PutResult>;

/**
 * Browsers: XMLHttpRequest, the only API that reports upload progress. Elsewhere (Node, the CLI and
 * tests): fetch, which reports only the start and the end.
 */
export function defaultPutTransport(): PutTransport {
  return typeof XMLHttpRequest !== 'undefined' ? xhrPut : fetchPut;
}

export const xhrPut: PutTransport = (url, headers, body, { onProgress, signal }) =>
  new Promise<PutResult>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : body.size });
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
    // An error event means no answer at all (connection refused or dropped, CORS refusal).
    xhr.onerror = () => resolve({ status: 0, body: '' });
    xhr.ontimeout = () => resolve({ status: 0, body: '' });
    const onAbort = () => xhr.abort();
    xhr.onabort = () => reject(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener('abort', onAbort);
    xhr.send(body);
  });

export const fetchPut: PutTransport = async (url, headers, body, { onProgress, signal }) => {
  if (signal?.aborted) throw abortError(signal);
  onProgress?.({ loaded: 0, total: body.size });
  let res: Response;
  try {
    res = await fetch(url, { method: 'PUT', headers, body, signal });
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    return { status: 0, body: (err as Error).message };
  }
  const text = await res.text().catch(() => '');
  if (res.ok) onProgress?.({ loaded: body.size, total: body.size });
  return { status: res.status, body: text };
};
