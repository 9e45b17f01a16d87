import type { Readable } from 'node:stream';

/** What the pipeline needs of S3. The real implementation is `S3ObjectStore` (shared/adapters/s3-object-store.ts). */
export interface ObjectHead {
  key: string;
  size: number;
  contentType: string | undefined;
  etag: string | undefined;
  /** User metadata (x-amz-meta-*), keys lower-case, values as stored (URI-decoded where we encoded them). */
  metadata: Record<string, string>;
}

export interface PutOptions {
  contentType: string;
  metadata?: Record<string, string>;
  contentLength?: number;
}

export interface ObjectStore {
  readonly bucket: string;
  head(key: string): Promise<ObjectHead | null>;
  /** Reads at most `maxBytes` (throws ValidationError past that), for validation of small objects. */
  getBytes(key: string, maxBytes: number): Promise<Buffer>;
  getStream(key: string): Promise<Readable>;
  put(key: string, body: Buffer | Readable, options: PutOptions): Promise<{ etag: string | undefined }>;
  presignPut(key: string, options: { contentType: string; contentLength: number; metadata: Record<string, string>; expiresInSeconds: number }): Promise<{ url: string; headers: Record<string, string> }>;
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
  /**
   * Copies the object onto itself (same bytes, same metadata), so S3 emits a fresh `Object Created`
   * event (reason CopyObject). The sweeper and replays use it to restart a stage through the same
   * event path as everything else.
   */
  touch(key: string): Promise<void>;
}
