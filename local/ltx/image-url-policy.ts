/**
 * Which image URLs the local LTX stand-in fetches. The real LTX fetches any https URL from the
 * internet; the stand-in runs on a developer's machine, where a URL it fetches on request could reach
 * anything listening on loopback. So it fetches only what the pipeline gives it: presigned GETs of
 * the local object store's bucket. Everything else is refused before any connection is made.
 */
export type ImageUrlPolicy = (url: URL) => boolean;

/** No URL at all: data URIs only (the stand-in run by hand, and the default). */
export const noImageUrls: ImageUrlPolicy = () => false;

/** Presigned (SigV4 query-signed) GETs of objects in `bucket` on the object store at `endpoint`. */
export function presignedGetsOf(endpoint: string, bucket: string): ImageUrlPolicy {
  const store = new URL(endpoint);
  return (url) =>
    url.protocol === store.protocol &&
    url.host === store.host &&
    url.pathname.startsWith(`/${bucket}/`) &&
    url.pathname.length > bucket.length + 2 &&
    url.username === '' &&
    url.password === '' &&
    url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' &&
    url.searchParams.has('X-Amz-Credential') &&
    url.searchParams.has('X-Amz-Signature');
}
