import { createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../../shared/domain/errors';
import { toDataUri } from '../../../../shared/domain/ltx/image-uri';
import { LtxClient, type LtxAttemptInfo, type LtxClientOptions } from '../../../../shared/adapters/ltx/ltx-client';
import type { LtxImageToVideoRequest } from '../../../../shared/domain/ltx/ltx-request';
import { startLtxServer, type LtxServer } from '../../../../local/ltx/server';
import { makeTestPhoto } from '../../../local/ltx/test-photo';

/**
 * The client's retry logic against the local LTX server over real HTTP (no fetch mocks). Waits go
 * through a recording `sleep`, so no test waits for a Retry-After.
 */
let server: LtxServer;
let request: LtxImageToVideoRequest;

beforeAll(async () => {
  server = await startLtxServer({ port: 0, apiKey: 'k-test', allowAnySize: true });
  const image = toDataUri(await makeTestPhoto('jpeg', 160, 90), 'image/jpeg');
  request = { image_uri: image, prompt: 'villa', model: 'ltx-2-fast', duration: 1, resolution: '160x90', fps: 10, camera_motion: 'dolly_in', generate_audio: false };
});
afterAll(() => server.stop());
beforeEach(async () => {
  server.setFault(null);
  // Let the previous test's answers finish before counting afresh.
  while (server.stats().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  server.resetStats();
});

function client(overrides: Partial<LtxClientOptions> = {}) {
  const sleeps: number[] = [];
  const attempts: LtxAttemptInfo[] = [];
  const ltx = new LtxClient({
    apiUrl: server.url,
    apiKey: 'k-test',
    requestChecks: { allowAnySize: true, allowLoopbackHttp: true },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    ...overrides,
  });
  return { ltx, sleeps, attempts, onAttempt: (info: LtxAttemptInfo) => attempts.push(info) };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe('LtxClient against the local LTX server', () => {
  it('streams the MP4 with its request id and length on the first attempt', async () => {
    const { ltx, sleeps } = client();
    const video = await ltx.imageToVideo(request);
    const bytes = await readAll(video.body);
    expect(video.attempts).toBe(1);
    expect(video.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bytes.byteLength).toBe(video.contentLength);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(sleeps).toEqual([]);
  });

  it('honours Retry-After on 429 and succeeds once the limit lifts', async () => {
    server.setFault({ kind: 'rate_limit', retryAfterSeconds: 7, times: 2 });
    const { ltx, sleeps, attempts, onAttempt } = client();
    const video = await ltx.imageToVideo(request, { onAttempt });
    await readAll(video.body);
    expect(sleeps).toEqual([7000, 7000]);
    expect(video.attempts).toBe(3);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1]!.previousError?.code).toBe('rate_limit_error');
    while (server.stats().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.stats()).toMatchObject({ requests: 3, completed: 1 });
  });

  it('retries a 500 after an exponential, jittered backoff', async () => {
    server.setFault({ kind: 'server_error', times: 2 });
    const { ltx, sleeps } = client({ random: () => 0.5 });
    const video = await ltx.imageToVideo(request);
    await readAll(video.body);
    // base 2000: caps 2000 then 4000; equal jitter at 0.5 = three quarters of each.
    expect(sleeps).toEqual([1500, 3000]);
    expect(video.attempts).toBe(3);
  });

  it('times out a request that hangs and succeeds on the next attempt', async () => {
    server.setFault({ kind: 'hang', times: 1 });
    const { ltx, sleeps } = client({ requestTimeoutMs: 2_000 });
    const video = await ltx.imageToVideo(request);
    await readAll(video.body);
    expect(video.attempts).toBe(2);
    expect(sleeps).toHaveLength(1);
  });

  it('errors a truncated stream with a retryable error, and imageToVideoAndConsume retries it', async () => {
    server.setFault({ kind: 'truncated', times: 1 });
    const { ltx } = client();
    const cut = await ltx.imageToVideo(request);
    const err = await failure(readAll(cut.body));
    expect(err.retryable).toBe(true);
    expect(err.code).toBe('truncated_response');
    expect(err.message).toMatch(new RegExp(`^LTX video stream cut short after \\d+ of ${cut.contentLength} bytes \\(`));

    server.setFault({ kind: 'truncated', times: 1 });
    const { result, attempts, requestId } = await ltx.imageToVideoAndConsume(request, async (video) => (await readAll(video.body)).byteLength);
    expect(attempts).toBe(2);
    expect(requestId).not.toBe('');
    expect(result).toBeGreaterThan(1000);
  });

  it('never retries a content refusal', async () => {
    server.setFault({ kind: 'content_refusal' });
    const { ltx, sleeps } = client();
    const err = await failure(ltx.imageToVideo(request));
    expect(err.message).toBe(
      'LTX refused the content (content_filtered_error): Content is filtered due to policy restrictions. Try another photo or prompt.',
    );
    expect(err).toMatchObject({ status: 422, retryable: false, code: 'content_filtered_error', service: 'ltx' });
    expect(sleeps).toEqual([]);
    expect(server.stats().requests).toBe(1);
  });

  it('never retries a wrong API key', async () => {
    const { ltx } = client({ apiKey: 'wrong' });
    const err = await failure(ltx.imageToVideo(request));
    expect(err.message).toBe('LTX refused the API key (authentication_error): Invalid API key. Check LTX_API_KEY.');
    expect(err.retryable).toBe(false);
    expect(server.stats().requests).toBe(1);
  });

  it("passes LTX's own validation message through for a request it refuses", async () => {
    const { ltx } = client();
    const err = await failure(ltx.imageToVideo({ ...request, image_uri: `data:image/jpeg;base64,${Buffer.from('not a photo').toString('base64')}` }));
    expect(err.message).toBe('LTX rejected the request (invalid_request_error): image_uri must be a JPEG, PNG or WebP image; its content is none of these');
    expect(err).toMatchObject({ status: 400, retryable: false });
  });

  it('gives up with a clear message when the next Retry-After would pass the budget', async () => {
    server.setFault({ kind: 'rate_limit', retryAfterSeconds: 100 });
    const { ltx, sleeps } = client({ retry: { budgetMs: 150_000 } });
    const err = await failure(ltx.imageToVideo(request));
    expect(sleeps).toEqual([100_000]);
    expect(err.message).toBe(
      'LTX rate limit: gave up after 2 attempts over 100 s: waiting 100 s more (Retry-After) would pass the 150 s retry budget; last: 429 rate_limit_error: Too many requests. Please try again later.',
    );
    expect(err).toMatchObject({ status: 429, retryable: true, code: 'rate_limit_error' });
    expect(err.context).toMatchObject({ attempts: 2, gaveUp: true });
  });

  it('gives up after maxAttempts on a server that keeps failing', async () => {
    server.setFault({ kind: 'server_error' });
    const { ltx, sleeps } = client({ retry: { maxAttempts: 3 } });
    const err = await failure(ltx.imageToVideo(request));
    expect(sleeps).toEqual([1000, 2000]);
    expect(err.message).toBe('LTX server error: gave up after 3 attempts over 3 s; last: 500 api_error: Unexpected server error (injected fault)');
    expect(server.stats().requests).toBe(3);
  });

  it('retries when LTX cannot be reached, then says so', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { ltx, sleeps } = client({ apiUrl: `http://127.0.0.1:${port}`, retry: { maxAttempts: 2 } });
    const err = await failure(ltx.imageToVideo(request));
    expect(sleeps).toHaveLength(1);
    expect(err.message).toBe('LTX unreachable: gave up after 2 attempts over 1 s; last: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:' + port);
  });

  it('refuses a 200 that is not an MP4 (a wrong LTX_API_URL) without retrying', async () => {
    const page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const { ltx, sleeps } = client({ apiUrl: `http://127.0.0.1:${(page.address() as { port: number }).port}` });
      const err = await failure(ltx.imageToVideo(request));
      expect(err.message).toBe('LTX answered 200 with content-type "text/html", expected video/mp4. Check LTX_API_URL.');
      expect(err.retryable).toBe(false);
      expect(sleeps).toEqual([]);
    } finally {
      page.close();
    }
  });

  it('checks the request before sending it', async () => {
    const { ltx } = client({ requestChecks: {} });
    await expect(ltx.imageToVideo({ ...request, duration: 7 })).rejects.toThrow('resolution must be one of 1920x1080, 2560x1440, 3840x2160, got "160x90"');
    expect(server.stats().requests).toBe(0);
  });

  it('stops at once when the caller aborts', async () => {
    server.setFault({ kind: 'hang' });
    const { ltx } = client();
    const controller = new AbortController();
    const pending = ltx.imageToVideo(request, { signal: controller.signal });
    while (server.stats().inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error('job cancelled'));
    await expect(pending).rejects.toThrow('job cancelled');
    expect(server.stats().requests).toBe(1);
  });
});
