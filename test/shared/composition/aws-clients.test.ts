import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../shared/adapters/s3-object-store';
import { createS3Client } from '../../../shared/composition/aws-clients';
import { startObjectStore, type LocalObjectStore } from '../../../local/s3/start-object-store';

const BUCKET = 'villa-video-parity';
const CREDENTIALS = { accessKeyId: 'PARITYKEY', secretAccessKey: 'parity-secret-0123456789' };
const photo = Buffer.from('jpeg bytes of the villa');
const request = { contentType: 'image/jpeg', contentLength: photo.length, metadata: { title: 'Villa Été' }, expiresInSeconds: 60 };

let local: LocalObjectStore;
beforeAll(async () => {
  local = await startObjectStore({ port: 0, dataDir: null, bucket: BUCKET, ...CREDENTIALS });
});
afterAll(async () => {
  await local?.stop();
});

/** The presigned PUT as the upload route builds it, from a client built as production builds it. */
async function presign(target: Parameters<typeof createS3Client>[0], key: string): Promise<{ url: URL; headers: Record<string, string> }> {
  const client = createS3Client(target);
  try {
    const { url, headers } = await new S3ObjectStore({ bucket: BUCKET, client }).presignPut(key, request);
    return { url: new URL(url), headers };
  } finally {
    client.destroy();
  }
}

const awsTarget = { region: 'us-east-1', credentials: CREDENTIALS };
const localTarget = () => ({ region: local.region, endpoint: local.endpoint, credentials: CREDENTIALS });

describe('one S3 client configuration for AWS and the local stack', () => {
  it('presigns a PUT in the AWS configuration (no endpoint) with no checksum of a body it never saw', async () => {
    const { url } = await presign(awsTarget, 'images/u1/aws.jpg');
    expect(url.host).toBe(`${BUCKET}.s3.us-east-1.amazonaws.com`);
    const names = [...url.searchParams.keys()].map((n) => n.toLowerCase());
    expect(names.filter((n) => n.startsWith('x-amz-checksum') || n === 'x-amz-sdk-checksum-algorithm')).toEqual([]);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
  });

  it('gives the local stack the URL AWS gets: same query parameters, same signed headers', async () => {
    const aws = await presign(awsTarget, 'images/u1/same.jpg');
    const here = await presign(localTarget(), 'images/u1/same.jpg');
    expect([...here.url.searchParams.keys()].sort()).toEqual([...aws.url.searchParams.keys()].sort());
    expect(here.url.searchParams.get('X-Amz-SignedHeaders')).toBe(aws.url.searchParams.get('X-Amz-SignedHeaders'));
    expect(here.headers).toEqual(aws.headers);
  });

  it('the local S3 accepts the announced bytes and refuses another type or size with S3 codes', async () => {
    const { url, headers } = await presign(localTarget(), 'images/u1/upload.jpg');
    const otherType = await fetch(url, { method: 'PUT', body: photo, headers: { ...headers, 'Content-Type': 'image/png' } });
    expect(otherType.status).toBe(403);
    expect(await otherType.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    const otherSize = await fetch(url, { method: 'PUT', body: Buffer.concat([photo, Buffer.from('!')]), headers });
    expect(otherSize.status).toBe(403);
    expect(await otherSize.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    const ok = await fetch(url, { method: 'PUT', body: photo, headers });
    expect(ok.status).toBe(200);
    const client = createS3Client(localTarget());
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'images/u1/upload.jpg' }));
    client.destroy();
    expect(head.ContentLength).toBe(photo.length);
    expect(head.ContentType).toBe('image/jpeg');
  });
});
