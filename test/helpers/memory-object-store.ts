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

/** An ObjectStore over a Map, for fast unit tests only (integration tests use the local S3 server). */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  constructor(readonly bucket = 'test-bucket') {}

  async head(key: string): Promise<ObjectHead | null> {
    const o = this.objects.get(key);
    return o ? { key, size: o.body.length, contentType: o.contentType, etag: `"${o.body.length}"`, metadata: { ...o.metadata } } : null;
  }

  async getBytes(key: string, maxBytes: number): Promise<Buffer> {
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
    if (options.contentLength !== undefined && options.contentLength !== bytes.length) {
      throw new Error(`contentLength ${options.contentLength} does not match the ${bytes.length} bytes sent for ${key}`);
    }
    this.objects.set(key, { body: bytes, contentType: options.contentType, metadata: { ...(options.metadata ?? {}) } });
    return { etag: `"${bytes.length}"` };
  }

  /** A copy onto itself: same bytes, same metadata (the real store's event is what matters there). */
  async touch(key: string): Promise<void> {
    const o = this.objects.get(key);
    if (!o) throw new Error(`no object at ${key}`);
    this.objects.set(key, { ...o, metadata: { ...o.metadata } });
  }

  async presignPut(key: string): Promise<{ url: string; headers: Record<string, string> }> {
    return { url: `memory://${this.bucket}/${encodeURIComponent(key)}?put`, headers: {} };
  }

  async presignGet(key: string): Promise<string> {
    return `memory://${this.bucket}/${encodeURIComponent(key)}`;
  }
}
