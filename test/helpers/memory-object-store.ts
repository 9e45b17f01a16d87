import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ValidationError } from '../../shared/domain/errors';
import type { ObjectHead, ObjectStore, PutOptions } from '../../shared/ports/object-store';

export interface StoredObject {
  body: Buffer;
  contentType: string;
  metadata: Record<string, string>;
}

async function readAll(body: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** As S3 computes it for a single-part upload: the body's MD5, quoted. */
export function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

type StoreOperation = 'head' | 'getBytes' | 'put' | 'touch' | 'presignPut' | 'presignGet';

/** An ObjectStore over a Map, for fast unit tests only (integration tests use the local S3 server). */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  /** Keys copied onto themselves, in order: each would be a new Object Created event in S3. */
  readonly touched: string[] = [];
  /** Return an error to make that call fail as S3 would, before it does anything. */
  fault: ((operation: StoreOperation, key: string) => Error | undefined) | undefined;
  /** Called once a PUT is stored, as S3 sends its Object Created event (tests deliver it from here). */
  afterPut: ((key: string) => Promise<void>) | undefined;

  constructor(readonly bucket = 'test-bucket') {}

  private enter(operation: StoreOperation, key: string): void {
    const error = this.fault?.(operation, key);
    if (error) throw error;
  }

  async head(key: string): Promise<ObjectHead | null> {
    this.enter('head', key);
    const o = this.objects.get(key);
    return o ? { key, size: o.body.length, contentType: o.contentType, etag: etagOf(o.body), metadata: { ...o.metadata } } : null;
  }

  async getBytes(key: string, maxBytes: number): Promise<Buffer> {
    this.enter('getBytes', key);
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object at ${key}`);
    if (o.body.length > maxBytes) throw new ValidationError('object', `object ${key} is ${o.body.length} bytes, more than ${maxBytes}`);
    return o.body;
  }

  async getStream(key: string): Promise<Readable> {
    const { Readable } = await import('node:stream');
    return Readable.from([await this.getBytes(key, Number.MAX_SAFE_INTEGER)]);
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions): Promise<{ etag: string | undefined }> {
    const bytes = await readAll(body);
    // After the body is read, as the SDK consumes a stream before S3 answers.
    this.enter('put', key);
    if (options.contentLength !== undefined && options.contentLength !== bytes.length) {
      throw new Error(`contentLength ${options.contentLength} does not match the ${bytes.length} bytes sent for ${key}`);
    }
    this.objects.set(key, { body: bytes, contentType: options.contentType, metadata: { ...(options.metadata ?? {}) } });
    await this.afterPut?.(key);
    return { etag: etagOf(bytes) };
  }

  /** A copy onto itself: same bytes, same metadata (the real store's event is what matters there). */
  async touch(key: string): Promise<void> {
    this.enter('touch', key);
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object at ${key}`);
    this.objects.set(key, { ...o, metadata: { ...o.metadata } });
    this.touched.push(key);
  }

  /** The headers the PUT must carry, as S3ObjectStore signs them (metadata not URI-encoded here). */
  async presignPut(key: string, options: { contentType: string; metadata: Record<string, string> }): Promise<{ url: string; headers: Record<string, string> }> {
    this.enter('presignPut', key);
    const metaHeaders = Object.fromEntries(Object.entries(options.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v]));
    return { url: `memory://${this.bucket}/${encodeURIComponent(key)}?put`, headers: { 'Content-Type': options.contentType, ...metaHeaders } };
  }

  async presignGet(key: string): Promise<string> {
    this.enter('presignGet', key);
    return `memory://${this.bucket}/${encodeURIComponent(key)}`;
  }
}
