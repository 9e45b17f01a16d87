import { createHmac } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObjectStore, type LocalObjectStore, type ObjectCreatedNotification } from '../../../local/s3/start-object-store';
import { s3ErrorOf } from '../../helpers/s3-error-of';

const BUCKET = 'villa-video-local';
const ACCESS_KEY_ID = 'LOCALTESTKEY';
const SECRET = 'local-test-secret-0123456789';

let store: LocalObjectStore;
let s3: S3Client;
const created: ObjectCreatedNotification[] = [];

function client(secretAccessKey = SECRET, accessKeyId = ACCESS_KEY_ID): S3Client {
  return new S3Client({ endpoint: store.endpoint, region: store.region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

/** Waits for the notification about `key` (notifications are asynchronous, as S3's are). */
async function notificationFor(key: string): Promise<ObjectCreatedNotification> {
  for (;;) {
    const found = created.find((n) => n.key === key);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 5));
  }
}


beforeAll(async () => {
  store = await startObjectStore({ port: 0, dataDir: null, bucket: BUCKET, accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET });
  store.onObjectCreated((n) => created.push(n));
  s3 = client();
});
afterAll(async () => {
  s3?.destroy();
  await store?.stop();
});

describe('local object store: signatures', () => {
  it('round-trips keys with spaces and non-ASCII characters through the real S3 client', async () => {
    const key = 'images/u1/villa by the sea é 日本.jpg';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'photo', ContentType: 'image/jpeg', Metadata: { title: 'Sea view' } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentType).toBe('image/jpeg');
    expect(head.Metadata).toEqual({ title: 'Sea view' });
    const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString();
    expect(body).toBe('photo');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'images/u1/' }));
    expect(listed.Contents?.map((o) => o.Key)).toContain(key);
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and an unknown key id with InvalidAccessKeyId', async () => {
    const wrongSecret = client('not-the-secret');
    expect(await s3ErrorOf(wrongSecret.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/x.jpg', Body: 'x' })))).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
    // s3rver's built-in S3RVER key is not ours.
    const builtIn = client('S3RVER', 'S3RVER');
    expect(await s3ErrorOf(builtIn.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'images/x.jpg' })))).toEqual({ name: 'InvalidAccessKeyId', status: 403 });
    wrongSecret.destroy();
    builtIn.destroy();
  });

  it('refuses anonymous requests as a private bucket does', async () => {
    const put = await fetch(`${store.endpoint}/${BUCKET}/images/anon.jpg`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
    expect(await put.text()).toMatch(/<Code>AccessDenied<\/Code>/);
    expect((await fetch(`${store.endpoint}/${BUCKET}/images/u1/villa%20by%20the%20sea%20%C3%A9%20%E6%97%A5%E6%9C%AC.jpg`)).status).toBe(403);
  });

  it('serves a presigned GET', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'renders/u1/j1.mp4', Body: 'video', ContentType: 'video/mp4' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'renders/u1/j1.mp4' }), { expiresIn: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('video');
  });
});

describe('local object store: presigned PUT', () => {
  const photo = Buffer.from('fake jpeg bytes');
  async function presign(key: string): Promise<string> {
    return getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'image/jpeg', ContentLength: photo.length }), {
      expiresIn: 60,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
  }

  it('signs content-type and content-length into the URL', async () => {
    const url = new URL(await presign('images/u1/signed.jpg'));
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
  });

  it('accepts the PUT it was signed for', async () => {
    const res = await fetch(await presign('images/u1/ok.jpg'), { method: 'PUT', body: photo, headers: { 'Content-Type': 'image/jpeg' } });
    expect(res.status).toBe(200);
    expect((await notificationFor('images/u1/ok.jpg')).size).toBe(photo.length);
  });

  it('refuses another content type', async () => {
    const res = await fetch(await presign('images/u1/type.jpg'), { method: 'PUT', body: photo, headers: { 'Content-Type': 'image/png' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
  });

  it('refuses another size', async () => {
    const res = await fetch(await presign('images/u1/size.jpg'), { method: 'PUT', body: Buffer.concat([photo, Buffer.from('more')]), headers: { 'Content-Type': 'image/jpeg' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    const missing = await s3ErrorOf(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'images/u1/size.jpg' })));
    expect(missing.status).toBe(404);
  });
});

describe('local object store: CORS', () => {
  it('answers the preflight of a browser PUT with content-type and metadata headers', async () => {
    const res = await fetch(`${store.endpoint}/${BUCKET}/images/u1/photo.jpg`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:3000', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type,x-amz-meta-title' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-meta-title');
  });

  it('exposes the ETag to the page on the actual request', async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'images/u1/cors.jpg', ContentType: 'image/jpeg' }), { expiresIn: 60 });
    const res = await fetch(url, { method: 'PUT', body: 'x', headers: { 'Content-Type': 'image/jpeg', Origin: 'http://127.0.0.1:3000' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
  });
});

describe('local object store: object-created notifications', () => {
  it('reports a PUT as PutObject with its size, ETag and a growing sequencer', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/u2/a.jpg', Body: 'abc' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/u2/a.jpg', Body: 'abcd' }));
    const events = await (async () => {
      for (;;) {
        const found = created.filter((n) => n.key === 'images/u2/a.jpg');
        if (found.length === 2) return found;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    expect(events[0]).toMatchObject({ bucket: BUCKET, key: 'images/u2/a.jpg', size: 3, etag: first.ETag?.replace(/"/g, ''), reason: 'PutObject' });
    expect(events[1]?.size).toBe(4);
    expect((events[1]?.sequencer as string) > (events[0]?.sequencer as string)).toBe(true);
  });

  it('reports a copy as CopyObject with the copy\'s ETag', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/u2/src.jpg', Body: 'copied bytes' }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'images/u2/copy é.jpg', CopySource: `${BUCKET}/${encodeURIComponent('images/u2/src.jpg')}` }));
    expect(await notificationFor('images/u2/copy é.jpg')).toMatchObject({ reason: 'CopyObject', size: 12, etag: put.ETag?.replace(/"/g, '') });
  });

  it('reports a completed multipart upload as CompleteMultipartUpload', async () => {
    const key = 'ltx-videos/u2/clip 1.mp4';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'video/mp4' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: 'clip bytes' }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    expect(await notificationFor(key)).toMatchObject({ reason: 'CompleteMultipartUpload', size: 10 });
  });

  function signedPostForm(key: string, secret: string): FormData {
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = date.slice(0, 8);
    const credential = `${ACCESS_KEY_ID}/${day}/us-east-1/s3/aws4_request`;
    const policy = Buffer.from(
      JSON.stringify({
        expiration: new Date(Date.now() + 60_000).toISOString(),
        conditions: [
          { bucket: BUCKET },
          ['starts-with', '$key', 'images/'],
          { 'Content-Type': 'image/jpeg' },
          ['content-length-range', 1, 1000],
          { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
          { 'x-amz-credential': credential },
          { 'x-amz-date': date },
        ],
      }),
    ).toString('base64');
    let signingKey: Buffer = createHmac('sha256', `AWS4${secret}`).update(day).digest();
    for (const part of ['us-east-1', 's3', 'aws4_request']) signingKey = createHmac('sha256', signingKey).update(part).digest();
    const form = new FormData();
    for (const [name, value] of Object.entries({
      key,
      'Content-Type': 'image/jpeg',
      'x-amz-algorithm': 'AWS4-HMAC-SHA256',
      'x-amz-credential': credential,
      'x-amz-date': date,
      policy,
      'x-amz-signature': createHmac('sha256', signingKey).update(policy).digest('hex'),
    })) form.append(name, value);
    form.append('file', new Blob(['form photo']), 'photo.jpg');
    return form;
  }

  it('reports a browser-form POST with a valid policy as POST Object', async () => {
    const res = await fetch(`${store.endpoint}/${BUCKET}`, { method: 'POST', body: signedPostForm('images/u3/form photo.jpg', SECRET) });
    expect(res.status).toBe(204);
    expect(await notificationFor('images/u3/form photo.jpg')).toMatchObject({ reason: 'POST Object', size: 10 });
  });

  it('refuses a form POST signed with another secret, storing nothing', async () => {
    const res = await fetch(`${store.endpoint}/${BUCKET}`, { method: 'POST', body: signedPostForm('images/u3/forged.jpg', 'wrong') });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/SignatureDoesNotMatch/);
    expect((await s3ErrorOf(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'images/u3/forged.jpg' })))).status).toBe(404);
  });
});

describe('local object store: faults', () => {
  it('answers 503 SlowDown the given number of times for the given method, then recovers', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/u4/f.jpg', Body: 'x' }));
    store.setFault({ kind: 'error', status: 503, code: 'SlowDown', times: 2, method: 'GET' });
    // HEAD is another method: not affected.
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'images/u4/f.jpg' }));
    for (let i = 0; i < 2; i++) {
      expect(await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'images/u4/f.jpg' })))).toEqual({ name: 'SlowDown', status: 503 });
    }
    const ok = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'images/u4/f.jpg' }));
    expect(await ok.Body?.transformToString()).toBe('x');
  });

  it('answers 500 InternalError to every method until cleared', async () => {
    store.setFault({ kind: 'error', status: 500, code: 'InternalError' });
    expect(await s3ErrorOf(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/u4/g.jpg', Body: 'x' })))).toEqual({ name: 'InternalError', status: 500 });
    expect(await s3ErrorOf(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'images/u4/f.jpg' })))).toMatchObject({ status: 500 });
    store.setFault(null);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/u4/g.jpg', Body: 'x' }));
  });
});
