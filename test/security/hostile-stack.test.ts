import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { WEBP_8192 } from '../helpers/image-bombs';
import { signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

/**
 * The hostile-input findings tried live on one local stack, as an attacker would, each while another
 * user goes on using it: a decompression bomb uploaded as a photo, a presigned PUT turned into a copy
 * of another user's photo, the LTX stand-in used as a port scanner with a key guessed from a
 * presigned URL. (Each defence has its focused suite beside this one.)
 */

type User = Awaited<ReturnType<typeof signInUser>>;
let stack: LocalStack;
let alice: User;
let bob: User;
let photo: Buffer;

/** Bob asks for an upload while the attack runs: answered, and soon (a generous bound, not a speed target). */
async function bobIsServed(): Promise<void> {
  const started = Date.now();
  const res = await fetch(stack.info.uploadsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${bob.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: 2048 }),
  });
  expect(res.status).toBe(201);
  expect(Date.now() - started).toBeLessThan(5_000);
}

beforeAll(async () => {
  ({ stack } = await startTestStack({ renderer: ({ store }) => new CopyClipRenderer(store) }));
  [alice, bob] = await Promise.all([signInUser(stack), signInUser(stack)]);
  photo = await readFile('remotion/public/sample/villa-small.jpg');
});
afterAll(async () => {
  await stack?.stop();
});

describe('hostile input against the live local stack', () => {
  it('a 34-byte WebP declaring 8192x8192 fails its job with a sentence, before LTX is called; Bob is served meanwhile', async () => {
    const ltxBefore = stack.ltx!.stats().requests;
    const { jobId } = await uploadPhoto(stack, alice.accessToken, WEBP_8192, { filename: 'bomb.webp', contentType: 'image/webp' });
    await bobIsServed();
    const job = await waitForJobEnd(stack, jobId, 30_000);
    expect(job).toMatchObject({
      status: 'failed',
      error: 'The photo is 8192x8192 pixels (67.1 megapixels); the limit is 50 megapixels and 16383 pixels on a side. Upload a smaller photo.',
    });
    expect(stack.ltx!.stats().requests).toBe(ltxBefore);
  });

  it("a presigned PUT with an unsigned x-amz-copy-source is refused: Alice's job never holds Bob's photo", async () => {
    const bobs = await uploadPhoto(stack, bob.accessToken, photo);
    const res = await fetch(stack.info.uploadsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: photo.length }),
    });
    const ticket = (await res.json()) as { jobId: string; key: string; uploadUrl: string; headers: Record<string, string> };
    for (const source of [`${stack.info.bucket}/${bobs.key}`, `${stack.info.bucket}/../../credentials.json`]) {
      const put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: { ...ticket.headers, 'x-amz-copy-source': source }, body: new Uint8Array(photo) });
      expect(put.status, source).toBe(403);
    }
    await bobIsServed();
    expect(await stack.clients.store.head(ticket.key)).toBeNull();
    expect((await stack.clients.jobs.get(ticket.jobId))?.status).toBe('pending_upload');
  });

  it('the LTX stand-in: its key is not guessable from a presigned URL, and it fetches no other loopback URL', async () => {
    const key = (stack.config.ltx.apiKey as { value: string }).value;
    expect(key.toLowerCase()).not.toContain(stack.info.s3AccessKeyId.toLowerCase());
    const guessed = await fetch(`${stack.info.ltxApiUrl}/v1/image-to-video`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer local-${stack.info.s3AccessKeyId.toLowerCase()}` },
      body: '{}',
    });
    expect(guessed.status).toBe(401);
    const scan = await fetch(`${stack.info.ltxApiUrl}/v1/image-to-video`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ image_uri: `${stack.info.supabaseUrl}/rest/v1/`, prompt: 'x', model: 'ltx-2-fast', duration: 6, resolution: '1920x1080', fps: 25 }),
    });
    expect(scan.status).toBe(400);
    expect(((await scan.json()) as { error: { message: string } }).error.message).toMatch(/^image_uri is not a URL this local LTX server fetches/);
  });
});
