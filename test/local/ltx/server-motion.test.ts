import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMERA_MOTIONS, type CameraMotion } from '../../../shared/domain/job-options';
import { toDataUri } from '../../../shared/domain/ltx/image-uri';
import { startLtxServer, type LtxServer } from '../../../local/ltx/server';
import { lumaFrames, meanAbsDiff, probeVideo, sharpness } from './probe-video';
import { findFfmpeg } from '../../../local/ltx/ffmpeg-binaries';
import { runProcess } from '../../../local/ltx/run-process';
import { makeTestPhoto, makeTestWebp } from './test-photo';

/**
 * The videos themselves: a real H.264 MP4 of the requested size, length and rate for each camera
 * motion. Tiny (320x180, 1 s) through the test-only `allowAnySize`; the 1080p figure is in the bench.
 */
const W = 320;
const H = 180;
let server: LtxServer;
let jpeg: Buffer;

beforeAll(async () => {
  server = await startLtxServer({ port: 0, allowAnySize: true, imageUrls: (url) => url.hostname === '127.0.0.1' });
  jpeg = await makeTestPhoto('jpeg', 640, 480);
});
afterAll(() => server.stop());

async function generate(image: string, motion: CameraMotion | undefined, size = `${W}x${H}`, fps = 25, duration = 1, model = 'ltx-2-fast') {
  const res = await fetch(`${server.url}/v1/image-to-video`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ image_uri: image, prompt: 'villa', model, duration, resolution: size, fps, camera_motion: motion }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('video/mp4');
  expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(bytes.byteLength).toBe(Number(res.headers.get('content-length')));
  return bytes;
}

describe('local LTX server: camera motions', () => {
  it.each(CAMERA_MOTIONS)('%s gives a 320x180 25 fps 1 s H.264 MP4 with no audio, read from a pipe (moov first)', async (motion) => {
    const mp4 = await generate(toDataUri(jpeg, 'image/jpeg'), motion);
    const probe = await probeVideo(mp4);
    expect(probe.formatName).toContain('mp4');
    expect(probe.streams).toHaveLength(1);
    expect(probe.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'h264', width: W, height: H, pix_fmt: 'yuv420p', r_frame_rate: '25/1', nb_frames: '25' });
    expect(probe.duration).toBeCloseTo(1, 2);

    const frames = await lumaFrames(mp4, W, H);
    expect(frames).toHaveLength(25);
    const change = meanAbsDiff(frames[0]!, frames[24]!);
    expect(change).toBeGreaterThan(1);
    if (motion === 'static') {
      // A tripod's breath: clearly less movement than a dolly.
      const dolly = await lumaFrames(await generate(toDataUri(jpeg, 'image/jpeg'), 'dolly_in'), W, H);
      expect(change).toBeLessThan(meanAbsDiff(dolly[0]!, dolly[24]!) / 2);
    }
    if (motion === 'focus_shift') expect(sharpness(frames[0]!, W)).toBeLessThan(sharpness(frames[24]!, W) * 0.8);
  });

  it('moves the picture the right way: dolly_right slides the scene left, dolly_left slides it right', async () => {
    // Where the first frame's middle column best matches in the last frame tells the direction.
    const shiftOf = async (motion: CameraMotion) => {
      const frames = await lumaFrames(await generate(toDataUri(jpeg, 'image/jpeg'), motion), W, H);
      const first = frames[0]!;
      const last = frames[24]!;
      let best = 0;
      let bestErr = Infinity;
      for (let dx = -40; dx <= 40; dx++) {
        let err = 0;
        for (let y = 0; y < H; y++) for (let x = 60; x < W - 60; x++) err += Math.abs(first[y * W + x]! - last[y * W + x + dx]!);
        if (err < bestErr) [best, bestErr] = [dx, err];
      }
      return best;
    };
    expect(await shiftOf('dolly_right')).toBeLessThan(0);
    expect(await shiftOf('dolly_left')).toBeGreaterThan(0);
  });

  it('makes 50 fps and 2 s when asked, from a PNG', async () => {
    const png = await makeTestPhoto('png', 200, 300); // portrait: cropped to 16:9 around its centre
    const probe = await probeVideo(await generate(toDataUri(png, 'image/png'), 'jib_up', '256x144', 50, 2));
    expect(probe.streams[0]).toMatchObject({ width: 256, height: 144, r_frame_rate: '50/1', nb_frames: '100' });
    expect(probe.duration).toBeCloseTo(2, 2);
  });

  it('decodes WebP photos (wasm libwebp: the bundled FFmpeg has no WebP decoder)', async () => {
    const webp = await makeTestWebp(320, 240);
    const probe = await probeVideo(await generate(toDataUri(webp, 'image/webp'), 'dolly_out'));
    expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: W, height: H, nb_frames: '25' });
  });

  it('fetches the photo from a loopback http URL (the local object store)', async () => {
    const { createServer } = await import('node:http');
    const photoServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg));
    await new Promise<void>((resolve) => photoServer.listen(0, '127.0.0.1', resolve));
    try {
      const port = (photoServer.address() as { port: number }).port;
      const probe = await probeVideo(await generate(`http://127.0.0.1:${port}/images/u/j.jpg`, 'static'));
      expect(probe.streams[0]).toMatchObject({ width: W, height: H });
    } finally {
      photoServer.close();
    }
  });
});

describe('local LTX server: portrait clips (LTX-2.3 models)', () => {
  /** The photo's luma through an FFmpeg crop (x, width of the 640x480 photo, full height), scaled to w x h. */
  async function cropOfPhoto(x: number, width: number, w: number, h: number): Promise<Uint8Array> {
    const { ffmpeg, env } = findFfmpeg();
    // prettier-ignore
    return runProcess(ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-f', 'image2pipe', '-c:v', 'mjpeg', '-i', '-',
      '-vf', `crop=${width}:480:${x}:0,scale=${w}:${h}:flags=lanczos`, '-f', 'image2pipe', '-c:v', 'rawvideo', '-pix_fmt', 'gray', '-',
    ], { env, input: jpeg, maxOutputBytes: w * h });
  }

  it('films a landscape photo in portrait: a 90x160 clip framed on the photo’s centre, moving as asked', async () => {
    const mp4 = await generate(toDataUri(jpeg, 'image/jpeg'), 'static', '90x160', 25, 1, 'ltx-2-3-fast');
    expect((await probeVideo(mp4)).streams[0]).toMatchObject({ codec_name: 'h264', width: 90, height: 160, nb_frames: '25' });
    const first = (await lumaFrames(mp4, 90, 160))[0]!;
    // 9:16 of a 640x480 photo is 270 px wide: the centre crop (x 185) matches the first frame, the left one does not.
    const centre = meanAbsDiff(first, await cropOfPhoto(185, 270, 90, 160));
    const left = meanAbsDiff(first, await cropOfPhoto(0, 270, 90, 160));
    expect(centre).toBeLessThan(15);
    expect(left).toBeGreaterThan(centre * 3);

    const dolly = await lumaFrames(await generate(toDataUri(jpeg, 'image/jpeg'), 'dolly_in', '90x160', 25, 1, 'ltx-2-3-pro'), 90, 160);
    expect(meanAbsDiff(dolly[0]!, dolly[24]!)).toBeGreaterThan(1);
  });

  it('answers a portrait request in portrait when the test-only clip size is landscape', async () => {
    const small = await startLtxServer({ port: 0, clipSize: { width: 64, height: 36 } });
    try {
      const res = await fetch(`${small.url}/v1/image-to-video`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image_uri: toDataUri(jpeg, 'image/jpeg'), prompt: 'villa', model: 'ltx-2-3-fast', duration: 6, resolution: '1080x1920', fps: 25 }),
      });
      expect(res.status).toBe(200);
      expect((await probeVideo(new Uint8Array(await res.arrayBuffer()))).streams[0]).toMatchObject({ width: 36, height: 64 });
    } finally {
      await small.stop();
    }
  });
});
