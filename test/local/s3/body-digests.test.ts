import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../../shared/composition/aws-clients';
import { startObjectStore, type LocalObjectStore } from '../../../local/s3/start-object-store';
import { verifyBodyDigests } from '../../../local/s3/body-digests';
import { s3ErrorOf } from '../../helpers/s3-error-of';

const BUCKET = 'villa-video-digests';
const CREDENTIALS = { accessKeyId: 'DIGESTKEY', secretAccessKey: 'digest-secret-0123456789' };
let store: LocalObjectStore;
let s3: S3Client;
beforeAll(async () => {
  store = await startObjectStore({ port: 0, dataDir: null, bucket: BUCKET, ...CREDENTIALS });
  s3 = createS3Client({ region: store.region, endpoint: store.endpoint, credentials: CREDENTIALS });
});
afterAll(async () => {
  s3?.destroy();
  await store?.stop();
});

const stored = (key: string) => s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => true, () => false);

describe('local S3: the body must match the digests the request names, as S3 checks them', () => {
  it('Content-MD5: the right one stores, another is 400 BadDigest and stores nothing', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5/ok', Body: 'hello', ContentMD5: 'XUFAKrxLKna5cZ2REBfFkg==' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'md5/ok' }))).Body?.transformToString()).toBe('hello');
    expect(await s3ErrorOf(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5/bad', Body: 'hello', ContentMD5: 'AAAAAAAAAAAAAAAAAAAAAA==' })))).toEqual({ name: 'BadDigest', status: 400 });
    expect(await stored('md5/bad')).toBe(false);
  });

  it('x-amz-checksum-*: the SDK\'s own CRC32 and SHA256 store; a wrong one is 400 BadDigest', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sum/crc32', Body: 'villa bytes', ChecksumAlgorithm: 'CRC32' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sum/sha256', Body: 'villa bytes', ChecksumAlgorithm: 'SHA256' }));
    expect(await stored('sum/crc32')).toBe(true);
    expect(await stored('sum/sha256')).toBe(true);
    const wrong = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sum/bad', Body: 'villa bytes', ChecksumSHA256: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }));
    expect(await s3ErrorOf(wrong)).toEqual({ name: 'BadDigest', status: 400 });
    expect(await stored('sum/bad')).toBe(false);
  });

  it('a signed payload hash that is not the body\'s is XAmzContentSHA256Mismatch', () => {
    const req = new IncomingMessage(new Socket());
    req.method = 'PUT';
    req.headers = { 'x-amz-content-sha256': 'a'.repeat(64) };
    expect(verifyBodyDigests(req, Buffer.from('x'))).toMatchObject({ status: 400, code: 'XAmzContentSHA256Mismatch' });
    req.headers = { 'x-amz-content-sha256': '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881' };
    expect(verifyBodyDigests(req, Buffer.from('x'))).toBeNull();
  });
});
