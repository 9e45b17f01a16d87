import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { resolve, sep } from 'node:path';
import FilesystemStore from '@20minutes/s3rver/lib/stores/filesystem.js';
import S3Error from '@20minutes/s3rver/lib/models/error.js';

/**
 * s3rver's filesystem store with two guarantees it lacks, held at the storage layer whatever the
 * HTTP front or s3rver's routing lets through:
 * - every object path resolves inside its bucket's directory: a key with a `..` or `.` segment, an
 *   empty segment (a leading `/`, `a//b`, which the filesystem would fold into another key) or a NUL
 *   is refused, and so is any bucket name S3 would not accept;
 * - copy semantics (a PUT copy, an UploadPartCopy) only for a request whose `x-amz-copy-source`
 *   header is covered by its SigV4 signature, and only from the source that was signed. A request
 *   carrying an unsigned copy source touches nothing in the store at all.
 * The request is known through `withRequest`, which the front wraps around each forwarded request.
 */

interface RequestFacts {
  /** The x-amz-copy-source header as it arrived (before any rewriting), if any. */
  copySource: string | undefined;
  copySourceSigned: boolean;
}

/** Bucket names as S3 allows them (lower-case letters, digits, dots and hyphens; no `..`). */
const BUCKET_NAME = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The headers a SigV4 request signed: from the Authorization header or a presigned URL's query. */
export function signedHeaderNames(req: Pick<IncomingMessage, 'headers' | 'url'>): string[] {
  const authorization = req.headers.authorization ?? '';
  const fromHeader = /SignedHeaders=([^,\s]+)/.exec(authorization)?.[1];
  const fromQuery = new URL(req.url ?? '/', 'http://local').searchParams.get('X-Amz-SignedHeaders');
  return (fromHeader ?? fromQuery ?? '').split(';').map((name) => name.trim().toLowerCase()).filter(Boolean);
}

/** `bucket/key` of a copy source header (`/bucket/key` or `bucket/key`, URL-encoded). */
function copySourcePath(header: string): string | null {
  try {
    const path = decodeURIComponent(header);
    return path.startsWith('/') ? path.slice(1) : path;
  } catch {
    return null;
  }
}

export class ContainedStore extends FilesystemStore {
  private readonly requests = new AsyncLocalStorage<RequestFacts>();
  private readonly root: string;

  constructor(rootDirectory: string) {
    super(rootDirectory);
    this.root = resolve(rootDirectory);
  }

  /** Runs `handle` with the facts of `req` that the store's checks need. */
  withRequest<T>(req: IncomingMessage, handle: () => T): T {
    const header = req.headers['x-amz-copy-source'];
    const copySource = typeof header === 'string' ? header : undefined;
    const copySourceSigned = copySource !== undefined && signedHeaderNames(req).includes('x-amz-copy-source');
    return this.requests.run({ copySource, copySourceSigned }, handle);
  }

  override getBucketPath(bucket: string): string {
    this.refuseUnsignedCopy();
    return this.contained(bucket, [], super.getBucketPath(this.checkedBucket(bucket)));
  }

  override getResourcePath(bucket: string, key: string | undefined, resource: string): string {
    this.refuseUnsignedCopy();
    const segments = key === undefined || key === '' ? [] : checkedKeySegments(key);
    return this.contained(bucket, segments, super.getResourcePath(this.checkedBucket(bucket), key, resource));
  }

  override async copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata: unknown): Promise<unknown> {
    this.checkCopySource(srcBucket, srcKey);
    return super.copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
  }

  override async getObject(bucket: string, key: string, options?: unknown): Promise<unknown> {
    // In a request with a copy source, a read is a read of that source (UploadPartCopy).
    if (this.requests.getStore()?.copySource !== undefined) this.checkCopySource(bucket, key);
    return super.getObject(bucket, key, options);
  }

  private refuseUnsignedCopy(): void {
    const facts = this.requests.getStore();
    if (facts?.copySource !== undefined && !facts.copySourceSigned) {
      throw new S3Error('AccessDenied', 'Access Denied: x-amz-copy-source must be covered by the request signature.');
    }
  }

  private checkCopySource(bucket: string, key: string): void {
    const facts = this.requests.getStore();
    if (!facts?.copySource || !facts.copySourceSigned) {
      throw new S3Error('AccessDenied', 'Access Denied: only a signed CopyObject may copy an object.');
    }
    if (copySourcePath(facts.copySource) !== `${bucket}/${key}`) {
      throw new S3Error('AccessDenied', 'Access Denied: the copy source is not the one the request signed.');
    }
  }

  private checkedBucket(bucket: string): string {
    if (!BUCKET_NAME.test(bucket)) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
    return bucket;
  }

  /** The path s3rver computed, checked to lie inside the bucket's directory whatever it did to the key. */
  private contained(bucket: string, segments: string[], path: string): string {
    const bucketDir = resolve(this.root, bucket);
    const resolved = resolve(path);
    const inside = segments.length === 0 && resolved === bucketDir ? true : resolved.startsWith(bucketDir + sep);
    if (!inside || !resolved.startsWith(this.root + sep)) {
      throw new S3Error('InvalidArgument', 'The object key resolves outside its bucket.', { ArgumentName: 'key' });
    }
    return path;
  }
}

/** A key's segments, refusing those a filesystem would resolve to another place or another key. */
function checkedKeySegments(key: string): string[] {
  const refuse = (why: string) => new S3Error('InvalidArgument', `Object key refused by the local store: ${why}.`, { ArgumentName: 'key' });
  if (key.includes('\0')) throw refuse('it contains a NUL character');
  const segments = key.split('/');
  // A trailing "/" names a folder marker (what the S3 console's "Create folder" writes): allowed.
  const inner = key.endsWith('/') ? segments.slice(0, -1) : segments;
  for (const segment of inner) {
    if (segment === '') throw refuse('it has an empty path segment (a leading "/" or "//")');
    if (segment === '.' || segment === '..') throw refuse(`it has a "${segment}" path segment`);
  }
  return segments;
}
