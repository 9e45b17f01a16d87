import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDataUri } from '../../../shared/domain/ltx/image-uri';
import { startLtxServer, type LtxServer } from '../../../local/ltx/server';
import { makeTestPhoto } from './test-photo';

/** Validation and auth of the local LTX-2 server: the real API's rules, statuses and error shape. */
let server: LtxServer;
let jpegUri: string;
let closedPort: number;

beforeAll(async () => {
  // LTX's fetch rules are under test here, on loopback servers; which URLs the stand-in fetches at all is test/security/ltx-stand-in-urls.
  server = await startLtxServer({ port: 0, apiKey: 'test-key', imageUrls: () => true });
  jpegUri = toDataUri(await makeTestPhoto('jpeg', 64, 48), 'image/jpeg');
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(() => server.stop());

function valid(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { image_uri: jpegUri, prompt: 'slow push in', model: 'ltx-2-fast', duration: 6, resolution: '1920x1080', fps: 25, ...overrides };
}

async function post(body: unknown, headers: Record<string, string> = { authorization: 'Bearer test-key' }) {
  const res = await fetch(`${server.url}/v1/image-to-video`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), json: (await res.json()) as { type: string; error: { type: string; message: string } } };
}

describe('local LTX server: auth', () => {
  it('answers 401 authentication_error without an Authorization header', async () => {
    const res = await post(valid(), {});
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'Missing authorization header' } });
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 401 for a wrong key', async () => {
    const res = await post(valid(), { authorization: 'Bearer nope' });
    expect(res.status).toBe(401);
    expect(res.json.error).toEqual({ type: 'authentication_error', message: 'Invalid API key' });
  });
});

describe('local LTX server: request validation', () => {
  // Bodies are built when each test runs (after beforeAll made the photo).
  const cases: Array<[string, () => unknown, string]> = [
    ['a body that is not an object', () => [1, 2], 'request body must be a JSON object, got an array'],
    ['no image_uri', () => valid({ image_uri: undefined }), 'image_uri is required'],
    ['a numeric image_uri', () => valid({ image_uri: 5 }), 'image_uri must be a string, got a number'],
    ['an ftp image_uri', () => valid({ image_uri: 'ftp://example.com/a.jpg' }), 'image_uri must use https, got "ftp://example.com/a.jpg"'],
    ['an http URL on a public host', () => valid({ image_uri: 'http://example.com/a.jpg' }), 'image_uri must use https, got "http://example.com/a.jpg"'],
    ['an https URL with an IP address', () => valid({ image_uri: 'https://10.0.0.1/a.jpg' }), 'image_uri must name a domain, not an IP address, got "10.0.0.1"'],
    ['a data URI of another type', () => valid({ image_uri: 'data:image/gif;base64,R0lG' }), 'image_uri data URI must start with data:image/{jpeg|png|webp};base64, got "data:image/gif;base64,R0lG"'],
    [
      'a data URI over 7 MB',
      () => valid({ image_uri: `data:image/jpeg;base64,${'A'.repeat(7 * 1024 * 1024)}` }),
      'image_uri data URI is 7340055 bytes encoded; the limit is 7340032 bytes (7 MB): use an https URL for larger images',
    ],
    ['no prompt', () => valid({ prompt: undefined }), 'prompt is required'],
    ['an empty prompt', () => valid({ prompt: '  ' }), 'prompt must not be empty'],
    ['a prompt over 5000 characters', () => valid({ prompt: 'x'.repeat(5001) }), 'prompt is 5001 characters; the limit is 5000'],
    ['no model', () => valid({ model: undefined }), 'model is required'],
    ['an unknown model', () => valid({ model: 'ltx-3' }), 'model must be one of ltx-2-fast, ltx-2-pro, ltx-2-3-fast, ltx-2-3-pro, got "ltx-3"'],
    ['no resolution', () => valid({ resolution: undefined }), 'resolution is required'],
    ['a 720p resolution', () => valid({ resolution: '1280x720' }), 'resolution must be one of 1920x1080, 2560x1440, 3840x2160, got "1280x720"'],
    ['24 fps', () => valid({ fps: 24 }), 'fps must be one of 25, 50, got 24'],
    [
      'portrait on a model without portrait (ltx-2-pro)',
      () => valid({ model: 'ltx-2-pro', resolution: '1080x1920' }),
      'resolution must be one of 1920x1080, 2560x1440, 3840x2160, got "1080x1920" (ltx-2-pro makes no portrait video; portrait models: ltx-2-3-fast, ltx-2-3-pro)',
    ],
    ['a portrait size LTX-2.3 does not make', () => valid({ model: 'ltx-2-3-fast', resolution: '1440x2560' }), 'resolution must be one of 1920x1080, 2560x1440, 3840x2160, 1080x1920, got "1440x2560"'],
    ['12 s on ltx-2-3-pro in portrait', () => valid({ model: 'ltx-2-3-pro', resolution: '1080x1920', duration: 12 }), 'duration must be one of 6, 8, 10 for ltx-2-3-pro, got 12'],
    ['no duration', () => valid({ duration: undefined }), 'duration is required'],
    ['12 s on pro', () => valid({ model: 'ltx-2-pro', duration: 12 }), 'duration must be one of 6, 8, 10 for ltx-2-pro, got 12'],
    ['7 s on fast', () => valid({ duration: 7 }), 'duration must be one of 6, 8, 10, 12, 14, 16, 18, 20 for ltx-2-fast, got 7'],
    ['a string duration', () => valid({ duration: '6' }), 'duration must be one of 6, 8, 10, 12, 14, 16, 18, 20 for ltx-2-fast, got "6"'],
    ['20 s at 50 fps', () => valid({ duration: 20, fps: 50 }), 'duration 20 with ltx-2-fast needs resolution 1920x1080 and fps 25, got 1920x1080 at 50 fps'],
    ['14 s at 1440p', () => valid({ duration: 14, resolution: '2560x1440' }), 'duration 14 with ltx-2-fast needs resolution 1920x1080 and fps 25, got 2560x1440 at 25 fps'],
    ['an unknown camera motion', () => valid({ camera_motion: 'orbit' }), 'camera_motion must be one of dolly_in, dolly_out, dolly_left, dolly_right, jib_up, jib_down, static, focus_shift, got "orbit"'],
    ['a string generate_audio', () => valid({ generate_audio: 'no' }), 'generate_audio must be a boolean, got "no"'],
    ['an ltx:// URI (not kept locally)', () => valid({ image_uri: 'ltx://uploads/abc' }), 'image_uri ltx:// URIs are not supported by the local LTX server; send a data URI or a URL'],
    ['a data URI that is not an image', () => valid({ image_uri: `data:image/jpeg;base64,${Buffer.from('hello, not a photo').toString('base64')}` }), 'image_uri must be a JPEG, PNG or WebP image; its content is none of these'],
    ['an image URL that cannot be reached', () => valid({ image_uri: `http://127.0.0.1:${closedPort}/photo.jpg` }), 'image_uri could not be fetched (ECONNREFUSED)'],
  ];
  it.each(cases)('answers 400 invalid_request_error for %s', async (_name, body, message) => {
    const res = await post(body());
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ type: 'error', error: { type: 'invalid_request_error', message } });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await post('{not json');
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe('request body is not valid JSON');
  });

  it('answers 400 for a JPEG that does not decode', async () => {
    // A frame header declaring 16x16, then no picture.
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 0x11, 8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]), Buffer.alloc(200, 7)]);
    const res = await post(valid({ image_uri: toDataUri(broken, 'image/jpeg') }));
    expect(res.status).toBe(400);
    // FFmpeg's own words (memory addresses included) stay in the stand-in's log.
    expect(res.json.error.message).toBe('image_uri is not a decodable JPEG image');
  });

  it('refuses a redirecting image URL, as LTX does', async () => {
    const { createServer } = await import('node:http');
    const redirector = createServer((_req, res) => res.writeHead(302, { location: 'https://example.com/a.jpg' }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const port = (redirector.address() as { port: number }).port;
      const res = await post(valid({ image_uri: `http://127.0.0.1:${port}/a.jpg` }));
      expect(res.json.error.message).toBe('image_uri answered a redirect (302); redirects are not allowed');
    } finally {
      redirector.close();
    }
  });

  it('answers 404 in the error shape for another path', async () => {
    const res = await fetch(`${server.url}/v1/text-to-video`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { type: string }).type).toBe('error');
  });
});
