import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../shared/adapters/s3-object-store';
import { createS3Client } from '../../../shared/composition/aws-clients';
import { startObjectStore, type LocalObjectStore } from '../../../local/s3/start-object-store';

const BUCKET = 'villa-video-unsigned';
const CREDENTIALS = { accessKeyId: 'UNSIGNEDKEY', secretAccessKey: 'unsigned-secret-0123456789' };
const photo = Buffer.from('the uploader photo');
const victim = 'images/victim/job.jpg';

let store: LocalObjectStore;
let s3: S3Client;
beforeAll(async () => {
  store = await startObjectStore({ port: 0, dataDir: null, bucket: BUCKET, ...CREDENTIALS });
  s3 = createS3Client({ region: store.region, endpoint: store.endpoint, credentials: CREDENTIALS });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: victim, Body: 'another user photo', ContentType: 'image/jpeg' }));
});
afterAll(async () => {
  s3?.destroy();
  await store?.stop();
});

/** A presigned PUT exactly as the upload route hands it to a browser. */
function presignUpload(key: string) {
  return new S3ObjectStore({ bucket: BUCKET, client: s3 }).presignPut(key, {
    contentType: 'image/jpeg',
    contentLength: photo.length,
    metadata: { title: 'Villa' },
    expiresInSeconds: 60,
  });
}

async function headOrNull(key: string) {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
  } catch (err) {
    if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return null;
    throw err;
  }
}

describe('local S3: every x-amz-* header must be signed, as S3 requires', () => {
  const added: Array<[string, string]> = [
    ['x-amz-copy-source', `${BUCKET}/${victim}`],
    ['x-amz-meta-owner', 'someone-else'],
    ['x-amz-tagging', 'paid=true'],
    ['x-amz-website-redirect-location', 'https://evil.example/'],
    ['x-amz-acl', 'public-read'],
  ];
  for (const [name, value] of added) {
    it(`refuses a presigned PUT carrying an unsigned ${name} (403 AccessDenied) and stores nothing`, async () => {
      const key = `images/attacker/${name}.jpg`;
      const { url, headers } = await presignUpload(key);
      const res = await fetch(url, { method: 'PUT', body: photo, headers: { ...headers, [name]: value } });
      expect(res.status).toBe(403);
      const xml = await res.text();
      expect(xml).toMatch(/<Code>AccessDenied<\/Code>/);
      expect(xml).toMatch(/<Message>There were headers present in the request which were not signed<\/Message>/);
      expect(xml).toContain(`<HeadersNotSigned>${name}</HeadersNotSigned>`);
      expect(await headOrNull(key)).toBeNull();
    });
  }

  it('still accepts the same presigned PUT with only the headers it was signed for', async () => {
    const { url, headers } = await presignUpload('images/attacker/plain.jpg');
    const res = await fetch(url, { method: 'PUT', body: photo, headers });
    expect(res.status).toBe(200);
    expect((await headOrNull('images/attacker/plain.jpg'))?.Metadata).toEqual({ title: 'Villa' });
  });

  it('refuses an unsigned x-amz-* header on a presigned GET too', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: victim }), { expiresIn: 60 });
    expect((await fetch(url)).status).toBe(200);
    const res = await fetch(url, { headers: { 'x-amz-request-payer': 'requester' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<HeadersNotSigned>x-amz-request-payer</HeadersNotSigned>');
  });

  it('lets the SDK\'s own header-signed requests through (it signs every x-amz-* header it sends)', async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: victim }));
    expect(await got.Body?.transformToString()).toBe('another user photo');
  });
});
