import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toDataUri } from '../../../shared/domain/ltx/image-uri';
import { startLtxServer, type LtxServer } from '../../../local/ltx/server';
import { makeTestPhoto } from './test-photo';

/** Fault modes (issue 6) and the concurrency cap, seen from a plain HTTP client. */
let server: LtxServer;
let body: string;

beforeAll(async () => {
  server = await startLtxServer({ port: 0, allowAnySize: true, maxConcurrency: 1, concurrencyRetryAfterSeconds: 3 });
  const image = toDataUri(await makeTestPhoto('jpeg', 160, 90), 'image/jpeg');
  body = JSON.stringify({ image_uri: image, prompt: 'villa', model: 'ltx-2-fast', duration: 1, resolution: '160x90', fps: 10 });
});
afterAll(() => server.stop());
beforeEach(async () => {
  server.setFault(null);
  // Let the previous test's answers finish before counting afresh.
  while (server.stats().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  server.resetStats();
});

const post = (signal?: AbortSignal) =>
  fetch(`${server.url}/v1/image-to-video`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, ...(signal ? { signal } : {}) });

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('local LTX server: faults', () => {
  it('rate_limit answers 429 rate_limit_error with Retry-After for `times` requests, then serves again', async () => {
    server.setFault({ kind: 'rate_limit', retryAfterSeconds: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await post();
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'Too many requests. Please try again later.' } });
    }
    const ok = await post();
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    await until(() => server.stats().inFlight === 0); // the server's side ends a moment after ours
    expect(server.stats()).toMatchObject({ requests: 3, completed: 1 });
  });

  it('server_error answers 500 api_error (or 503 service_unavailable) until cleared', async () => {
    server.setFault({ kind: 'server_error' });
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(500);
    server.setFault({ kind: 'server_error', status: 503, times: 1 });
    const res = await post();
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('service_unavailable');
  });

  it('content_refusal answers 422 content_filtered_error as documented, or 400 when asked', async () => {
    server.setFault({ kind: 'content_refusal', times: 1 });
    const res = await post();
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'content_filtered_error', message: 'Content is filtered due to policy restrictions' } });
    server.setFault({ kind: 'content_refusal', status: 400, times: 1 });
    expect((await post()).status).toBe(400);
  });

  it('truncated declares the full Content-Length and closes after about half of it', async () => {
    server.setFault({ kind: 'truncated', times: 1 });
    const res = await post();
    expect(res.status).toBe(200);
    const declared = Number(res.headers.get('content-length'));
    expect(declared).toBeGreaterThan(1000);
    let received = 0;
    const read = (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength;
    })();
    await expect(read).rejects.toThrow();
    expect(received).toBeLessThan(declared);
    expect(server.stats().completed).toBe(0);
  });

  it('hang holds the answer until the client gives up, and frees the slot when it does', async () => {
    server.setFault({ kind: 'hang', times: 1 });
    const controller = new AbortController();
    const hanging = post(controller.signal);
    await until(() => server.stats().inFlight === 1);
    controller.abort();
    await expect(hanging).rejects.toThrow();
    await until(() => server.stats().inFlight === 0);
    expect(server.stats().completed).toBe(0);
  });

  it('answers 429 concurrency_limit_error past maxConcurrency, and reports the most it saw at once', async () => {
    server.setFault({ kind: 'hang', times: 1 }); // the first request holds the only slot
    const controller = new AbortController();
    const hanging = post(controller.signal).catch(() => 'aborted');
    await until(() => server.stats().inFlight === 1);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('concurrency_limit_error');
    expect(server.stats()).toMatchObject({ maxConcurrentSeen: 2, concurrencyRejected: 1 });
    controller.abort();
    expect(await hanging).toBe('aborted');
    await until(() => server.stats().inFlight === 0);
    const ok = await post();
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
  });
});
