import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalCredentials } from '../../local/local-credentials';
import { presignedGetsOf } from '../../local/ltx/image-url-policy';
import { startLtxServer, type LtxServer } from '../../local/ltx/server';
import { startObjectStore, type LocalObjectStore } from '../../local/s3/start-object-store';
import { makeTestPhoto } from '../local/ltx/test-photo';

/**
 * Finding 6 of the hostile-input issue, the LTX stand-in's part: its key was "local-" plus the S3 access
 * key id (which every presigned URL shows), and with it the stand-in fetched any loopback URL and told
 * the HTTP status: a port scanner. Now its key is random on its own, and it fetches only presigned
 * GETs of the local object store's bucket, refusing anything else before connecting.
 */

const BUCKET = 'villa-video-local';
const REFUSED = 'image_uri is not a URL this local LTX server fetches: it takes data URIs and presigned GETs of the local object store only';

let store: LocalObjectStore;
let s3: S3Client;
let ltx: LtxServer;
let bystander: Server;
let bystanderHits = 0;
let closedPort: number;

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

async function generate(imageUri: string) {
  const res = await fetch(`${ltx.url}/v1/image-to-video`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer stand-in-key' },
    body: JSON.stringify({ image_uri: imageUri, prompt: 'slow push in', model: 'ltx-2-fast', duration: 6, resolution: '1920x1080', fps: 25 }),
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body, message: res.status === 200 ? undefined : (JSON.parse(body.toString()) as { error: { message: string } }).error.message };
}

beforeAll(async () => {
  store = await startObjectStore({ port: 0, dataDir: null, bucket: BUCKET, accessKeyId: 'URLTESTKEY', secretAccessKey: 'url-test-secret-0123456789' });
  s3 = new S3Client({ endpoint: store.endpoint, region: store.region, forcePathStyle: true, credentials: { accessKeyId: 'URLTESTKEY', secretAccessKey: 'url-test-secret-0123456789' } });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'images/u/j.jpg', Body: await makeTestPhoto('jpeg', 160, 120), ContentType: 'image/jpeg' }));
  ltx = await startLtxServer({ port: 0, apiKey: 'stand-in-key', clipSize: { width: 128, height: 72 }, imageUrls: presignedGetsOf(store.endpoint, BUCKET) });
  bystander = createServer((_req, res) => {
    bystanderHits += 1;
    res.end('secret admin page');
  });
  await listen(bystander);
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  s3?.destroy();
  await Promise.all([ltx?.stop(), store?.stop(), new Promise((resolve) => bystander?.close(resolve))]);
});

describe('the LTX stand-in fetches only what the pipeline gives it', () => {
  it('generates from a presigned GET of the local bucket', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'images/u/j.jpg' }), { expiresIn: 600 });
    const answer = await generate(url);
    expect(answer.status).toBe(200);
    expect(answer.body.subarray(4, 8).toString()).toBe('ftyp');
  });

  it('refuses any other loopback URL with one answer, open port or closed, without connecting', async () => {
    const open = (bystander.address() as AddressInfo).port;
    const s3Port = new URL(store.endpoint).port;
    const attempts = [
      `http://127.0.0.1:${open}/`,
      `http://127.0.0.1:${closedPort}/`,
      `http://localhost:${open}/admin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Signature=y`,
      // The object store itself, but not a presigned GET of the bucket.
      `http://127.0.0.1:${s3Port}/${BUCKET}/images/u/j.jpg`,
      `http://127.0.0.1:${s3Port}/other-bucket/x.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Signature=y`,
    ];
    for (const uri of attempts) {
      const answer = await generate(uri);
      expect({ uri, status: answer.status, message: answer.message }).toEqual({ uri, status: 400, message: REFUSED });
    }
    expect(bystanderHits).toBe(0);
  });

  it('the policy: the store’s origin, the bucket’s objects, SigV4 query signatures, no credentials in the URL', () => {
    const allowed = presignedGetsOf('http://127.0.0.1:4568', BUCKET);
    const signed = '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Signature=b';
    expect(allowed(new URL(`http://127.0.0.1:4568/${BUCKET}/images/a.jpg${signed}`))).toBe(true);
    for (const refused of [
      `http://127.0.0.1:4569/${BUCKET}/images/a.jpg${signed}`,
      `https://127.0.0.1:4568/${BUCKET}/images/a.jpg${signed}`,
      `http://localhost:4568/${BUCKET}/images/a.jpg${signed}`,
      `http://u:p@127.0.0.1:4568/${BUCKET}/images/a.jpg${signed}`,
      `http://127.0.0.1:4568/${BUCKET}/${signed}`,
      `http://127.0.0.1:4568/${BUCKET}-other/a.jpg${signed}`,
      `http://127.0.0.1:4568/${BUCKET}/images/a.jpg?X-Amz-Signature=b`,
    ]) {
      expect(allowed(new URL(refused)), refused).toBe(false);
    }
  });
});

describe('the stand-in’s key', () => {
  it('is random per data directory, kept across restarts, private, and derived from no other key', async () => {
    const [a, b] = [await mkdtemp(join(tmpdir(), 'hostile-keys-')), await mkdtemp(join(tmpdir(), 'hostile-keys-'))];
    try {
      const first = await loadLocalCredentials(a);
      expect(first.ltxApiKey).toMatch(/^ltx-local-[A-Za-z0-9_-]{32}$/);
      expect(first.ltxApiKey.toLowerCase()).not.toContain(first.s3AccessKeyId.toLowerCase());
      expect(await loadLocalCredentials(a)).toEqual(first);
      expect((await loadLocalCredentials(b)).ltxApiKey).not.toBe(first.ltxApiKey);
      expect((await stat(join(a, 'credentials.json'))).mode & 0o777).toBe(0o600);
      expect((await stat(a)).mode & 0o777).toBe(0o700);
      // A data directory written before the stand-in had a key: its S3 keys stay, a key is added.
      await writeFile(join(b, 'credentials.json'), JSON.stringify({ s3AccessKeyId: 'LOCALOLD', s3SecretAccessKey: 'old-secret' }), { mode: 0o644 });
      const upgraded = await loadLocalCredentials(b);
      expect(upgraded).toMatchObject({ s3AccessKeyId: 'LOCALOLD', s3SecretAccessKey: 'old-secret', ltxApiKey: expect.stringMatching(/^ltx-local-/) });
      expect(JSON.parse(await readFile(join(b, 'credentials.json'), 'utf8'))).toEqual(upgraded);
      expect((await stat(join(b, 'credentials.json'))).mode & 0o777).toBe(0o600);
    } finally {
      await Promise.all([rm(a, { recursive: true, force: true }), rm(b, { recursive: true, force: true })]);
    }
  });
});
