import { createHash } from 'node:crypto';

/**
 * A photo dropped by hand has no job id: derive one from bucket, key and ETag, so every delivery of
 * the same object event names the same job (idempotency), while a new upload under the same name is
 * a new job. Formatted as a version-5-style UUID so it fits the `uuid` columns.
 */
export function derivedJobId(bucket: string, key: string, etag: string): string {
  const hex = createHash('sha256').update(`${bucket}\n${key}\n${etag.replace(/"/g, '')}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
