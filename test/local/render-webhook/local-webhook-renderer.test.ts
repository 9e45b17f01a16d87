import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateWebhookSignature } from '@remotion/lambda/client';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalWebhookRenderer } from '../../../local/render-webhook/local-webhook-renderer';
import { remotionWebhookSchema } from '../../../shared/domain/remotion-webhook';
import type { Renderer, RenderRequest, RenderResult } from '../../../shared/ports/renderer';
import type { StartRenderRequest } from '../../../shared/ports/render-starter';

const SECRET = 'local-secret-0123456789abcdef';
const JOB = '7d1f3c2a-1b2c-4d5e-8f90-123456789abc';
const request: StartRenderRequest = {
  jobId: JOB,
  customData: { jobId: JOB, format: 'landscape' },
  props: { clipUrl: 'http://127.0.0.1/clip.mp4', title: 'Villa', subtitle: 'Bali', musicFile: 'calm.mp3', clipDurationSeconds: 6, format: '16:9' },
  width: 320,
  height: 180,
  fps: 10,
  bucket: 'b',
  videoKey: `renders/u/${JOB}.mp4`,
  thumbnailKey: `thumbnails/u/${JOB}.jpg`,
};

/** A renderer that ends when the test says so. */
function controllableRenderer() {
  let finish!: (err?: Error) => void;
  const renderer: Renderer = {
    render: (r: RenderRequest) =>
      new Promise<RenderResult>((resolve, reject) => {
        r.onProgress?.(0.5);
        finish = (err) => (err ? reject(err) : resolve({ videoKey: r.videoKey, thumbnailKey: r.thumbnailKey, sizeBytes: 1, durationSeconds: 6, width: 320, height: 180, renderSeconds: 1 }));
      }),
  };
  return { renderer, finish: (err?: Error) => finish(err) };
}

/** The webhook endpoint: records what arrives, answers with the statuses queued in `answers`. */
async function endpoint(answers: number[] = []) {
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(answers.shift() ?? 200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/remotion`;
  stops.push(() => new Promise((r) => server.close(() => r())));
  return { url, received };
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('LocalWebhookRenderer (Remotion Lambda on the laptop)', () => {
  it('answers at once, renders in the background, then POSTs the success payload signed as Remotion signs it', async () => {
    const hook = await endpoint();
    const { renderer, finish } = controllableRenderer();
    const local = new LocalWebhookRenderer({ renderer, webhookUrl: () => hook.url, secret: SECRET });
    const started = await local.start(request);
    expect(started.renderId).toMatch(/^local-/);
    expect(await local.state(started)).toEqual({ state: 'running', progress: 0.5 });
    expect(hook.received).toHaveLength(0);
    finish();
    await until(() => hook.received.length > 0);
    const [{ headers, body }] = hook.received as [{ headers: Record<string, string>; body: string }];
    expect(headers['x-remotion-status']).toBe('success');
    expect(() => validateWebhookSignature({ secret: SECRET, body: JSON.parse(body), signatureHeader: headers['x-remotion-signature']! })).not.toThrow();
    const payload = remotionWebhookSchema.parse(JSON.parse(body));
    expect(payload).toMatchObject({ type: 'success', renderId: started.renderId, customData: { jobId: JOB, format: 'landscape' }, outputFile: request.videoKey });
    expect(await local.state(started)).toEqual({ state: 'done', costUsd: 0 });
  });

  it('reports a failed render as an error webhook, and retries a webhook the API refused, as Remotion does', async () => {
    const hook = await endpoint([503]);
    const { renderer, finish } = controllableRenderer();
    const local = new LocalWebhookRenderer({ renderer, webhookUrl: () => hook.url, secret: SECRET, retryDelaysMs: [10, 10] });
    const started = await local.start(request);
    finish(new Error('Chromium crashed'));
    await until(() => hook.received.length >= 2);
    expect(hook.received).toHaveLength(2);
    const payload = remotionWebhookSchema.parse(JSON.parse(hook.received[1]!.body));
    expect(payload).toMatchObject({ type: 'error', renderId: started.renderId, errors: [{ message: 'Chromium crashed' }] });
    expect(await local.state(started)).toMatchObject({ state: 'failed', retryable: true });
  });

  it('does not know a render of another process: lost', async () => {
    const local = new LocalWebhookRenderer({ renderer: controllableRenderer().renderer, webhookUrl: () => 'http://127.0.0.1:9/', secret: SECRET });
    expect(await local.state({ renderId: 'local-from-before-a-restart' })).toEqual({ state: 'lost' });
  });
});
