import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketCors } from '../../../local/s3/cors-configuration';
import { startObjectStore, type LocalObjectStore } from '../../../local/s3/start-object-store';
import { LOCAL_RENDER_PAGE_ORIGIN } from '../../../remotion/local-page-origin';
import { pipelineBucketCorsRules } from '../../../shared/domain/bucket-cors';

/**
 * The local S3 answers browsers with the AWS bucket's two CORS rules (shared/domain/bucket-cors.ts):
 * PUT from the upload origins, ranged GET/HEAD from the render page's origin, nothing else.
 * A tiny page server gives the browser two origins: http://127.0.0.1:<port> is the web page (allowed
 * to upload), http://localhost:<port> the render page (matched by the local rule http://localhost:*).
 */

const BUCKET = 'villa-video-local';
const CREDENTIALS = { accessKeyId: 'CORSTESTKEY', secretAccessKey: 'cors-test-secret-0123456789' };
const CLIP_KEY = 'ltx-videos/u1/job-1.mp4';
const CLIP = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');
const OTHER_ORIGIN = 'https://elsewhere.example';

let pages: Server;
let webOrigin: string;
let renderOrigin: string;
let store: LocalObjectStore;
let s3: S3Client;

const presignPut = (key: string) => getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'image/jpeg' }), { expiresIn: 300 });
const presignGet = (key: string) => getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 300 });

function preflight(key: string, origin: string, method: string, headers?: string): Promise<Response> {
  return fetch(`${store.endpoint}/${BUCKET}/${key}`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, ...(headers ? { 'Access-Control-Request-Headers': headers } : {}) },
  });
}

beforeAll(async () => {
  pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>page</title>'));
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  const { port } = pages.address() as AddressInfo;
  webOrigin = `http://127.0.0.1:${port}`;
  renderOrigin = `http://localhost:${port}`;
  store = await startObjectStore({
    port: 0,
    dataDir: null,
    bucket: BUCKET,
    ...CREDENTIALS,
    corsOrigins: { uploadOrigins: [webOrigin], renderPageOrigins: [LOCAL_RENDER_PAGE_ORIGIN] },
  });
  s3 = new S3Client({ endpoint: store.endpoint, region: store.region, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: CLIP_KEY, Body: CLIP, ContentType: 'video/mp4' }));
});
afterAll(async () => {
  s3?.destroy();
  await store?.stop();
  await new Promise((resolve) => pages?.close(resolve));
});

describe('local S3 CORS: the upload rule (PUT from the allowed origins)', () => {
  it('answers the preflight of a PUT from an allowed origin as S3 does, and exposes the ETag on the PUT', async () => {
    const pre = await preflight('images/u1/photo.jpg', webOrigin, 'PUT', 'content-type,x-amz-meta-title');
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-origin')).toBe(webOrigin);
    expect(pre.headers.get('access-control-allow-methods')).toBe('PUT');
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-meta-title');
    expect(pre.headers.get('access-control-max-age')).toBe('3600');

    const put = await fetch(await presignPut('images/u1/photo.jpg'), { method: 'PUT', body: 'photo', headers: { 'Content-Type': 'image/jpeg', Origin: webOrigin } });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe(webOrigin);
    expect(put.headers.get('access-control-expose-headers')).toBe('ETag');
  });

  it('refuses a PUT from another origin: 403 CORSResponse on the preflight, no CORS headers on the request', async () => {
    const pre = await preflight('images/u1/other.jpg', OTHER_ORIGIN, 'PUT', 'content-type');
    expect(pre.status).toBe(403);
    expect(await pre.text()).toMatch(/<Code>CORSResponse<\/Code>/);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    // S3 still executes a signed request without a preflight; only the browser is kept from reading it.
    const put = await fetch(await presignPut('images/u1/other.jpg'), { method: 'PUT', body: 'photo', headers: { 'Content-Type': 'image/jpeg', Origin: OTHER_ORIGIN } });
    expect(put.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a PUT from the render page: it only reads', async () => {
    expect((await preflight('images/u1/render.jpg', renderOrigin, 'PUT', 'content-type')).status).toBe(403);
  });
});

describe('local S3 CORS: the render rule (ranged GET/HEAD from the render page only)', () => {
  it('answers a ranged GET from the render page with the exposed headers', async () => {
    const pre = await preflight(CLIP_KEY, renderOrigin, 'GET', 'range');
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-origin')).toBe(renderOrigin);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    expect(pre.headers.get('access-control-allow-headers')).toBe('range');

    const get = await fetch(await presignGet(CLIP_KEY), { headers: { Range: 'bytes=10-19', Origin: renderOrigin } });
    expect(get.status).toBe(206);
    expect(await get.text()).toBe(CLIP.subarray(10, 20).toString());
    expect(get.headers.get('access-control-allow-origin')).toBe(renderOrigin);
    expect(get.headers.get('access-control-expose-headers')).toBe('Content-Length, Content-Range, Accept-Ranges, ETag');
    expect(get.headers.get('content-range')).toBe(`bytes 10-19/${CLIP.length}`);
  });

  it('refuses a GET from the web page (it plays media from the CDN) and any header but Range', async () => {
    const pre = await preflight(CLIP_KEY, webOrigin, 'GET', 'range');
    expect(pre.status).toBe(403);
    expect(await pre.text()).toMatch(/<Code>CORSResponse<\/Code>/);
    const get = await fetch(await presignGet(CLIP_KEY), { headers: { Origin: webOrigin } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(CLIP_KEY, renderOrigin, 'GET', 'range,x-custom')).status).toBe(403);
  });

  it('gives the front’s own refusals CORS headers only where the request itself is allowed (origin and method)', async () => {
    const badlySigned = (await presignGet(CLIP_KEY)).replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
    const fromRender = await fetch(badlySigned, { headers: { Origin: renderOrigin } });
    expect(fromRender.status).toBe(403);
    expect(fromRender.headers.get('access-control-allow-origin')).toBe(renderOrigin);
    const fromWeb = await fetch(badlySigned, { headers: { Origin: webOrigin } });
    expect(fromWeb.status).toBe(403);
    expect(fromWeb.headers.get('access-control-allow-origin')).toBeNull();

    store.setFault({ kind: 'error', status: 503, code: 'SlowDown', times: 2, method: 'PUT' });
    const slowWeb = await fetch(`${store.endpoint}/${BUCKET}/images/u1/x.jpg`, { method: 'PUT', body: 'x', headers: { Origin: webOrigin } });
    const slowRender = await fetch(`${store.endpoint}/${BUCKET}/images/u1/x.jpg`, { method: 'PUT', body: 'x', headers: { Origin: renderOrigin } });
    store.setFault(null);
    expect([slowWeb.status, slowRender.status]).toEqual([503, 503]);
    expect(slowWeb.headers.get('access-control-allow-origin')).toBe(webOrigin);
    expect(slowRender.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('local S3 CORS: a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Runs the fetch in a page of `origin`; a CORS refusal is a TypeError there. */
  async function fetchFrom(origin: string, url: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
    const page = await browser.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(async ({ url, init }) => {
        try {
          const res = await fetch(url, init);
          return { status: res.status, etag: res.headers.get('etag'), contentRange: res.headers.get('content-range'), text: await res.text() };
        } catch (err) {
          return { refused: (err as Error).name };
        }
      }, { url, init });
    } finally {
      await page.close();
    }
  }

  it('lets the web page upload and the render page read a range, and refuses the other way round', async () => {
    const upload = await fetchFrom(webOrigin, await presignPut('images/u1/browser.jpg'), { method: 'PUT', headers: { 'Content-Type': 'image/jpeg' }, body: 'photo' });
    expect(upload).toMatchObject({ status: 200, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    const ranged = await fetchFrom(renderOrigin, await presignGet(CLIP_KEY), { method: 'GET', headers: { Range: 'bytes=0-9' } });
    expect(ranged).toMatchObject({ status: 206, contentRange: `bytes 0-9/${CLIP.length}`, text: '0123456789' });

    expect(await fetchFrom(webOrigin, await presignGet(CLIP_KEY), { method: 'GET' })).toEqual({ refused: 'TypeError' });
    expect(await fetchFrom(renderOrigin, await presignPut('images/u1/from-render.jpg'), { method: 'PUT', headers: { 'Content-Type': 'image/jpeg' }, body: 'x' })).toEqual({ refused: 'TypeError' });
  });
});

describe('local S3 CORS: the configuration', () => {
  it('refuses what PutBucketCors refuses: two wildcards in an origin, a rule without an origin', () => {
    expect(() => bucketCors(pipelineBucketCorsRules({ uploadOrigins: ['https://*.example.*'], renderPageOrigins: [LOCAL_RENDER_PAGE_ORIGIN] }))).toThrow(/more than one wildcard/);
    expect(() => bucketCors(pipelineBucketCorsRules({ uploadOrigins: [], renderPageOrigins: [LOCAL_RENDER_PAGE_ORIGIN] }))).toThrow(/PUT names no origin/);
  });
});
