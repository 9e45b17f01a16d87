import { LTX_IMAGE_FETCH_TIMEOUT_MS, LTX_MAX_IMAGE_URL_BYTES } from '../../shared/domain/ltx/ltx-limits';
import { invalidRequest } from './ltx-http-error';

/** Fetches an image URL's bytes; the server's default follows LTX's rules, tests may swap it. */
export type FetchImage = (uri: string) => Promise<Uint8Array>;

/**
 * LTX's URL rules: at most 15 MB, fetched within 10 s, no redirects. (Which URLs are allowed at all,
 * https only or loopback http too, is checked before, with the request.)
 */
export async function fetchImageAsLtxDoes(uri: string): Promise<Uint8Array> {
  let response: Response;
  const signal = AbortSignal.timeout(LTX_IMAGE_FETCH_TIMEOUT_MS);
  try {
    response = await fetch(uri, { redirect: 'manual', signal });
  } catch (err) {
    if (signal.aborted) throw invalidRequest(`image_uri could not be fetched within ${LTX_IMAGE_FETCH_TIMEOUT_MS / 1000} s`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw invalidRequest(`image_uri could not be fetched (${cause?.code ?? cause?.message ?? (err as Error).message})`);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw invalidRequest(`image_uri answered a redirect (${response.status}); redirects are not allowed`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw invalidRequest(`image_uri could not be fetched: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > LTX_MAX_IMAGE_URL_BYTES) {
    await response.body.cancel();
    throw invalidRequest(`image_uri is ${declared} bytes; the limit is ${LTX_MAX_IMAGE_URL_BYTES} bytes (15 MB)`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > LTX_MAX_IMAGE_URL_BYTES) {
        throw invalidRequest(`image_uri is more than ${LTX_MAX_IMAGE_URL_BYTES} bytes; the limit is ${LTX_MAX_IMAGE_URL_BYTES} bytes (15 MB)`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (signal.aborted) throw invalidRequest(`image_uri could not be fetched within ${LTX_IMAGE_FETCH_TIMEOUT_MS / 1000} s`);
    throw err;
  }
  return Buffer.concat(chunks);
}

/** The image's bytes from a data URI or a URL (ltx:// uploads are not kept by the local server). */
export async function loadImageBytes(uri: string, fetchImage: FetchImage): Promise<Uint8Array> {
  if (uri.startsWith('data:')) {
    const base64 = uri.slice(uri.indexOf(',') + 1);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw invalidRequest('image_uri data URI is not valid base64');
    return Buffer.from(base64, 'base64');
  }
  if (uri.startsWith('ltx://')) {
    throw invalidRequest('image_uri ltx:// URIs are not supported by the local LTX server; send a data URI or a URL');
  }
  return fetchImage(uri);
}
