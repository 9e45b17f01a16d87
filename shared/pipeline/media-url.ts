import type { ObjectStore } from '../ports/object-store';

/** Presigned URLs signed with SigV4 live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * The URL stored in `generated_videos` for a deliverable: under the CDN (CloudFront in AWS, the local
 * stack's /media/ route) when one is configured, else a presigned GET that lasts as long as S3 allows.
 */
export async function mediaUrl(store: Pick<ObjectStore, 'presignGet'>, baseUrl: string | undefined, key: string): Promise<string> {
  if (baseUrl) {
    const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    return base + key.split('/').map(encodeURIComponent).join('/');
  }
  return store.presignGet(key, MAX_PRESIGN_SECONDS);
}
