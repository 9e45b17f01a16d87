import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLtxServer, type LtxServer } from '../../local/ltx/server';
import { toDataUri } from '../../shared/domain/ltx/image-uri';
import { blankPng, WEBP_8192 } from '../helpers/image-bombs';
import { makeTestPhoto } from '../local/ltx/test-photo';

/**
 * Finding 2 of the hostile-input issue: a 34-byte WebP declaring 8192x8192 and a 32 KB PNG declaring
 * 16000x16000 were decoded in full by the local LTX stand-in (seconds of stall, ~770 MB kept). Both
 * are refused now by their headers, before any decode, while another user's generation goes on.
 * (The pipeline's own check refuses them before any paid call: test/shared/pipeline/run-ltx-step.test.ts.)
 */

let server: LtxServer;
let photoUri: string;

beforeAll(async () => {
  server = await startLtxServer({ port: 0, apiKey: 'k', clipSize: { width: 128, height: 72 } });
  photoUri = toDataUri(await makeTestPhoto('jpeg', 160, 120), 'image/jpeg');
});
afterAll(() => server?.stop());

async function generate(imageUri: string, contentType = 'application/json') {
  const res = await fetch(`${server.url}/v1/image-to-video`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: 'Bearer k' },
    body: JSON.stringify({ image_uri: imageUri, prompt: 'slow push in', model: 'ltx-2-fast', duration: 6, resolution: '1920x1080', fps: 25 }),
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), body };
}

describe('decompression bombs against the LTX stand-in', () => {
  it('refuses every bomb by its header with a 400 that says why, while another request is served', async () => {
    const bombs = [
      ...Array.from({ length: 5 }, () => generate(toDataUri(WEBP_8192, 'image/webp'))),
      ...Array.from({ length: 5 }, () => generate(toDataUri(blankPng(16000), 'image/png'))),
    ];
    const honest = generate(photoUri);
    const refused = await Promise.all(bombs);
    for (const [i, answer] of refused.entries()) {
      expect(answer.status).toBe(400);
      const { error } = JSON.parse(answer.body.toString()) as { error: { type: string; message: string } };
      expect(error.type).toBe('invalid_request_error');
      expect(error.message).toBe(
        i < 5
          ? 'image_uri declares 8192x8192 pixels (67.1 megapixels); the limit is 50 megapixels and 16383 pixels on a side'
          : 'image_uri declares 16000x16000 pixels (256.0 megapixels); the limit is 50 megapixels and 16383 pixels on a side',
      );
    }
    const served = await honest;
    expect(served.status).toBe(200);
    expect(served.type).toBe('video/mp4');
    expect(served.body.subarray(4, 8).toString()).toBe('ftyp');
  });

  it('a WebP whose header passes but whose data is broken fails in its decoder thread, and the stand-in goes on', async () => {
    // VP8L declaring 16x16, then bytes that are no lossless bitstream.
    const bits = Buffer.alloc(4);
    bits.writeUInt32LE((16 - 1) | ((16 - 1) << 14), 0);
    const data = Buffer.concat([Buffer.from([0x2f]), bits, Buffer.alloc(40, 0xff)]);
    const chunk = Buffer.concat([Buffer.from('VP8L'), Buffer.from([data.length, 0, 0, 0]), data]);
    const riff = Buffer.alloc(4);
    riff.writeUInt32LE(4 + chunk.length, 0);
    const broken = Buffer.concat([Buffer.from('RIFF'), riff, Buffer.from('WEBP'), chunk]);
    const answer = await generate(toDataUri(broken, 'image/webp'));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body.toString()).error.message).toBe('image_uri is not a decodable WEBP image');
    expect((await generate(photoUri)).status).toBe(200);
  });

  it('refuses a header that declares no size instead of handing it to a decoder', async () => {
    const cut = await generate(toDataUri(WEBP_8192.subarray(0, 20), 'image/webp'));
    expect(cut.status).toBe(400);
    expect(JSON.parse(cut.body.toString()).error.message).toBe('image_uri is a damaged WEBP image: its header declares no size');
  });
});
