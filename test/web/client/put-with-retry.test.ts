import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isAbortError, RequestError } from '../../../web/client/client-errors';
import { putWithRetry } from '../../../web/client/put-with-retry';
import { fetchPut } from '../../../web/client/upload-transport';

const FAST = { attempts: 3, delaysMs: [10] };
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** A storage stand-in whose answer to the n-th request (1-based) the test decides. */
async function storage(answer: (n: number, req: IncomingMessage, body: Buffer) => 'drop' | 'hang' | { status: number; body?: string }) {
  const received: Array<{ headers: IncomingMessage['headers']; body: Buffer }> = [];
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    received.push({ headers: req.headers, body });
    const a = answer(received.length, req, body);
    if (a === 'drop') return req.socket.destroy();
    if (a === 'hang') return;
    res.writeHead(a.status, { 'content-type': 'application/xml' }).end(a.body ?? '');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/bucket/key.jpg`, received };
}

const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])]);
const headers = { 'Content-Type': 'image/jpeg', 'x-amz-meta-title': 'Casa' };

describe('putWithRetry', () => {
  it('sends the same bytes and headers again after a dropped connection, and reports progress from zero', async () => {
    const s = await storage((n) => (n === 1 ? 'drop' : { status: 200 }));
    const progress: number[] = [];
    await putWithRetry(fetchPut, s.url, headers, photo, { retry: FAST, onProgress: (p) => progress.push(p.loaded) });
    expect(s.received).toHaveLength(2);
    expect(s.received[1]!.body.equals(Buffer.from(await photo.arrayBuffer()))).toBe(true);
    expect(s.received[1]!.headers['x-amz-meta-title']).toBe('Casa');
    expect(s.received[1]!.headers['content-length']).toBe(String(photo.size));
    expect(progress.at(-1)).toBe(photo.size);
    expect(progress).toContain(0);
  });

  it('retries a 503 but not a 403, whose storage error code it reports', async () => {
    const s = await storage((n) => (n === 1 ? { status: 503 } : { status: 403, body: '<Error><Code>AccessDenied</Code></Error>' }));
    const err = await putWithRetry(fetchPut, s.url, headers, photo, { retry: FAST }).catch((e: unknown) => e);
    expect(s.received).toHaveLength(2);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).status).toBe(403);
    expect((err as Error).message).toBe('The storage server refused the upload (HTTP 403: AccessDenied).');
  });

  it('gives up after the last attempt when the connection keeps dropping', async () => {
    const s = await storage(() => 'drop');
    const err = await putWithRetry(fetchPut, s.url, headers, photo, { retry: FAST }).catch((e: unknown) => e);
    expect(s.received).toHaveLength(3);
    expect((err as Error).message).toBe('The upload could not reach the storage server (tried 3 times). Check your connection and try again.');
  });

  it('stops at once when cancelled mid-upload, without another attempt', async () => {
    const s = await storage(() => 'hang');
    const controller = new AbortController();
    const pending = putWithRetry(fetchPut, s.url, headers, photo, { retry: FAST, signal: controller.signal });
    while (s.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(s.received).toHaveLength(1);
  });
});
