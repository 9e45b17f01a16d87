import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainedStore } from '../../local/s3/contained-store';
import { startObjectStore, type LocalObjectStore } from '../../local/s3/start-object-store';
import { s3ErrorOf } from '../helpers/s3-error-of';

/**
 * Finding 1 of the hostile-input issue, at the storage layer: a presigned PUT with an added, unsigned
 * `x-amz-copy-source` was served as a copy of another user's photo, and `..` in that header read files
 * outside the bucket directory. The store itself now refuses both, whatever the HTTP front lets by.
 */

const BUCKET = 'villa-video-local';
const ACCESS_KEY_ID = 'HOSTILETESTKEY';
const SECRET = 'hostile-test-secret-0123456789';
const OUTSIDE = 'outside-the-bucket';

let root: string;
let store: LocalObjectStore;
let s3: S3Client;


async function bodyOf(key: string): Promise<string> {
  return (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString());
}

/**
 * A client whose request paths are rewritten after signing: the signature covers the path as the
 * server canonicalises it (percent-decoded), so a `..` signed plainly may travel as `%2E%2E`.
 */
function clientRewritingPath(rewrite: (path: string) => string): S3Client {
  const client = new S3Client({ endpoint: store.endpoint, region: store.region, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }, maxAttempts: 1 });
  client.middlewareStack.addRelativeTo(
    ((next: (args: { request: { path: string } }) => Promise<unknown>) => async (args: { request: { path: string } }) => {
      args.request.path = rewrite(args.request.path);
      return next(args);
    }) as never,
    { relation: 'after', toMiddleware: 'awsAuthMiddleware', name: 'rewritePath' },
  );
  return client;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hostile-s3-'));
  // A file shaped like a stored object, beside the bucket directory: no key may reach it.
  await writeFile(join(root, `${OUTSIDE}._S3rver_object`), 'private bytes outside the bucket');
  await writeFile(join(root, `${OUTSIDE}._S3rver_object.md5`), '00000000000000000000000000000000');
  store = await startObjectStore({ port: 0, dataDir: root, bucket: BUCKET, accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET });
  s3 = new S3Client({ endpoint: store.endpoint, region: store.region, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET }, maxAttempts: 1 });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/bob/job-b.jpg', Body: "Bob's photo", ContentType: 'image/jpeg' }));
});
afterAll(async () => {
  s3?.destroy();
  await store?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('local S3 store: copies', () => {
  it("refuses a presigned PUT carrying an unsigned x-amz-copy-source: Alice's key never gets Bob's photo", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'images/alice/job-a.jpg', ContentType: 'image/jpeg' }), { expiresIn: 60 });
    const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'image/jpeg', 'x-amz-copy-source': `${BUCKET}/images/bob/job-b.jpg` }, body: 'x' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('AccessDenied');
    expect(await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'images/alice/job-a.jpg' })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(await bodyOf('images/bob/job-b.jpg')).toBe("Bob's photo");
  });

  it('still serves a signed CopyObject, onto another key and onto itself (the pipeline touch)', async () => {
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'images/bob/copy.jpg', CopySource: `${BUCKET}/images/bob/job-b.jpg` }));
    expect(await bodyOf('images/bob/copy.jpg')).toBe("Bob's photo");
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'images/bob/copy.jpg', CopySource: `${BUCKET}/images/bob/copy.jpg`, MetadataDirective: 'REPLACE', Metadata: { touched: '1' } }));
    expect(await bodyOf('images/bob/copy.jpg')).toBe("Bob's photo");
  });

  it('refuses a signed CopyObject whose source climbs out of the bucket, plainly or percent-encoded', async () => {
    for (const source of [`${BUCKET}/../${OUTSIDE}`, `${BUCKET}/images/%2e%2e/%2E%2E/../${OUTSIDE}`]) {
      expect(await s3ErrorOf(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'images/alice/stolen.jpg', CopySource: source })))).toMatchObject({ status: 400 });
    }
    expect(await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'images/alice/stolen.jpg' })))).toMatchObject({ name: 'NoSuchKey' });
  });
});

describe('local S3 store: every key inside the bucket directory', () => {
  it('refuses keys with .. segments, whether sent plainly or percent-encoded in the path', async () => {
    const plain = await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `images/../../${OUTSIDE}` })));
    expect(plain.status).toBe(400);
    const encoded = clientRewritingPath((path) => path.replace('/images/../../', '/images/%2E%2E/%2e%2e/'));
    expect((await s3ErrorOf(encoded.send(new GetObjectCommand({ Bucket: BUCKET, Key: `images/../../${OUTSIDE}` })))).status).toBe(400);
    const put = await s3ErrorOf(encoded.send(new PutObjectCommand({ Bucket: BUCKET, Key: `images/../../${OUTSIDE}`, Body: 'overwrite' })));
    expect(put.status).toBe(400);
    encoded.destroy();
    expect(await readFile(join(root, `${OUTSIDE}._S3rver_object`), 'utf8')).toBe('private bytes outside the bucket');
  });

  it('refuses a NUL, an absolute-looking key and empty segments; a folder marker and dotted names are fine', async () => {
    for (const key of ['images/a\u0000b.jpg', '/etc/passwd', 'images//b.jpg']) {
      expect((await s3ErrorOf(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' })))).status, key).toBe(400);
    }
    for (const key of ['images/', 'images/..villa...jpg', 'images/%2e%2e/literal-percent.jpg']) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'ok' }));
      expect(await bodyOf(key)).toBe('ok');
    }
  });
});

describe('ContainedStore alone (whatever the front forwards)', () => {
  const request = (headers: Record<string, string>, url = '/'): IncomingMessage => ({ headers, url }) as unknown as IncomingMessage;
  let dir: string;
  let contained: ContainedStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hostile-store-'));
    contained = new ContainedStore(dir);
    await contained.putBucket(BUCKET);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('copies only for a request that signed x-amz-copy-source, and only from that source', async () => {
    const source = `/${BUCKET}/images/b.jpg`;
    const unsigned = request({ 'x-amz-copy-source': source, authorization: 'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host;x-amz-date, Signature=0' });
    await expect(contained.withRequest(unsigned, () => contained.copyObject(BUCKET, 'images/b.jpg', BUCKET, 'images/a.jpg', null))).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(contained.withRequest(unsigned, () => contained.getBucket(BUCKET))).rejects.toMatchObject({ code: 'AccessDenied' });
    const signed = request({ 'x-amz-copy-source': source }, '/?X-Amz-SignedHeaders=host%3Bx-amz-copy-source');
    await expect(contained.withRequest(signed, () => contained.copyObject(BUCKET, 'images/other.jpg', BUCKET, 'images/a.jpg', null))).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(contained.copyObject(BUCKET, 'images/b.jpg', BUCKET, 'images/a.jpg', null)).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  it('refuses paths outside the bucket and bucket names S3 would not accept', () => {
    expect(() => contained.getResourcePath(BUCKET, '../x', 'object')).toThrow(/"\.\." path segment/);
    expect(() => contained.getResourcePath('..', 'x', 'object')).toThrow(/bucket is not valid/);
    expect(() => contained.getBucketPath('../etc')).toThrow(/bucket is not valid/);
    expect(contained.getResourcePath(BUCKET, 'images/a.jpg', 'object')).toBe(join(dir, BUCKET, 'images', 'a.jpg._S3rver_object'));
  });
});
