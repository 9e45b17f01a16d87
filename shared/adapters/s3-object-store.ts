import { Readable } from 'node:stream';
import { S3Client, CopyObjectCommand, HeadObjectCommand, GetObjectCommand, PutObjectCommand, NotFound, NoSuchKey, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { UpstreamError, ValidationError } from '../domain/errors';
import type { ObjectHead, ObjectStore, PutOptions } from '../ports/object-store';

/**
 * Metadata travels in HTTP headers, which are ASCII only: values are URI-encoded on the way in and
 * decoded on the way out, so titles like "Villa Été" survive.
 */
export function encodeMetadata(meta: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k.toLowerCase(), encodeURIComponent(v)]));
}
export function decodeMetadata(meta: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta ?? {})) {
    try {
      out[k.toLowerCase()] = decodeURIComponent(v);
    } catch {
      // Set by hand with a stray '%': keep the raw value rather than lose it.
      out[k.toLowerCase()] = v;
    }
  }
  return out;
}

/** Up to this size a stream goes up in one PUT (one request, one Object Created event). */
const SINGLE_PUT_MAX_BYTES = 64 * 1024 * 1024;

function isNotFound(err: unknown): boolean {
  return err instanceof NotFound || err instanceof NoSuchKey || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404);
}

function s3Failure(action: string, key: string, err: unknown): UpstreamError {
  const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
  // 5xx and throttling are transient; 4xx (other than 404, handled by callers) are not.
  const retryable = status === undefined || status >= 500 || status === 429 || (err as { name?: string }).name === 'SlowDown';
  return new UpstreamError('s3', `S3 ${action} of ${key} failed${status ? ` (${status})` : ''}: ${(err as Error).message}`, { status, retryable, cause: err });
}

export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  /** A client for presigning with the endpoint browsers reach (the same as `client` in AWS). */
  private readonly presignClient: S3Client;

  constructor(opts: { bucket: string; client: S3Client; presignClient?: S3Client }) {
    this.bucket = opts.bucket;
    this.client = opts.client;
    this.presignClient = opts.presignClient ?? opts.client;
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: out.ContentLength ?? 0, contentType: out.ContentType, etag: out.ETag, metadata: decodeMetadata(out.Metadata) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw s3Failure('HEAD', key, err);
    }
  }

  async getBytes(key: string, maxBytes: number): Promise<Buffer> {
    const stream = await this.getStream(key);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += buf.length;
      if (total > maxBytes) {
        stream.destroy();
        throw new ValidationError('object', `${key} is larger than ${maxBytes} bytes`);
      }
      chunks.push(buf);
    }
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = out.Body;
      if (body instanceof Readable) return body;
      throw new UpstreamError('s3', `S3 GET of ${key} returned no stream`, { retryable: true });
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      if (isNotFound(err)) throw new ValidationError('key', `object ${key} does not exist`);
      throw s3Failure('GET', key, err);
    }
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions): Promise<{ etag: string | undefined }> {
    const params = {
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: options.contentType,
      Metadata: encodeMetadata(options.metadata ?? {}),
    };
    try {
      if (Buffer.isBuffer(body)) {
        const out = await this.client.send(new PutObjectCommand({ ...params, ContentLength: body.length }));
        return { etag: out.ETag };
      }
      if (options.contentLength !== undefined && options.contentLength <= SINGLE_PUT_MAX_BYTES) {
        const out = await this.client.send(new PutObjectCommand({ ...params, ContentLength: options.contentLength }));
        return { etag: out.ETag };
      }
      // A large stream, or one of unknown length: multipart upload in 8 MB parts, never whole in memory.
      const upload = new Upload({ client: this.client, params, partSize: 8 * 1024 * 1024, queueSize: 2, leavePartsOnError: false });
      const out = await upload.done();
      return { etag: out.ETag };
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      throw s3Failure('PUT', key, err);
    }
  }

  async presignPut(
    key: string,
    options: { contentType: string; contentLength: number; metadata: Record<string, string>; expiresInSeconds: number },
  ): Promise<{ url: string; headers: Record<string, string> }> {
    const metadata = encodeMetadata(options.metadata);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.contentLength,
      Metadata: metadata,
    });
    const metaHeaders = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]));
    const url = await getSignedUrl(this.presignClient, command, {
      expiresIn: options.expiresInSeconds,
      // Signing type, length and metadata as headers makes the store refuse any other file than the one announced.
      signableHeaders: new Set(['content-type', 'content-length', ...Object.keys(metaHeaders)]),
      unhoistableHeaders: new Set(Object.keys(metaHeaders)),
    });
    return { url, headers: { 'Content-Type': options.contentType, ...metaHeaders } };
  }

  async touch(key: string): Promise<void> {
    const head = await this.head(key);
    if (!head) throw new ValidationError('key', `object ${key} does not exist`);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
          // S3 refuses a copy onto itself that changes nothing; REPLACE with the same metadata is allowed.
          MetadataDirective: 'REPLACE',
          ContentType: head.contentType,
          Metadata: encodeMetadata({ ...head.metadata, 'touched-at': new Date().toISOString() }),
        }),
      );
    } catch (err) {
      throw s3Failure('COPY', key, err);
    }
  }

  async presignGet(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.presignClient, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }
}
