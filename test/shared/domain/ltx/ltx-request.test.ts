import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors';
import { BUILTIN_JOB_DEFAULTS } from '../../../../shared/domain/job-options';
import { chooseImageUri, dataUriLength, toDataUri } from '../../../../shared/domain/ltx/image-uri';
import { backoffDelayMs } from '../../../../shared/adapters/ltx/ltx-backoff';
import { parseLtxErrorBody, parseRetryAfter } from '../../../../shared/adapters/ltx/ltx-error';
import { LTX_MAX_DATA_URI_BYTES, LTX_MAX_IMAGE_URL_BYTES } from '../../../../shared/domain/ltx/ltx-limits';
import { buildLtxRequest, checkLtxRequest } from '../../../../shared/domain/ltx/ltx-request';
import { ltxClipPlan } from '../../../../shared/domain/ltx/ltx-clip-plan';

describe('buildLtxRequest', () => {
  it("turns a job's options into LTX's body, never asking for LTX's audio", () => {
    const options = { ...BUILTIN_JOB_DEFAULTS, cameraMotion: 'jib_up', duration: 8 } as const;
    const body = buildLtxRequest(options, ltxClipPlan(options, 'landscape'), 'https://bucket.example.com/images/a.jpg');
    expect(body).toEqual({
      image_uri: 'https://bucket.example.com/images/a.jpg',
      prompt: BUILTIN_JOB_DEFAULTS.prompt,
      model: 'ltx-2-fast',
      duration: 8,
      resolution: '1920x1080',
      fps: 25,
      camera_motion: 'jib_up',
      generate_audio: false,
    });
  });

  it('throws a ValidationError naming the field', () => {
    const err = (() => {
      try {
        buildLtxRequest({ ...BUILTIN_JOB_DEFAULTS, prompt: '' }, ltxClipPlan(BUILTIN_JOB_DEFAULTS, 'landscape'), 'https://x.example.com/a.jpg');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ field: 'prompt', message: 'prompt must not be empty' });
  });

  it('accepts fast at 20 s only at 1080p 25 fps, and pro only at 6/8/10 s', () => {
    const base = { image_uri: 'https://x.example.com/a.jpg', prompt: 'p', resolution: '1920x1080', fps: 25 };
    expect(checkLtxRequest({ ...base, model: 'ltx-2-fast', duration: 20 }).ok).toBe(true);
    expect(checkLtxRequest({ ...base, model: 'ltx-2-fast', duration: 20, resolution: '3840x2160' }).ok).toBe(false);
    expect(checkLtxRequest({ ...base, model: 'ltx-2-pro', duration: 10, resolution: '3840x2160', fps: 50 }).ok).toBe(true);
    expect(checkLtxRequest({ ...base, model: 'ltx-2-pro', duration: 20 })).toMatchObject({ ok: false, field: 'duration' });
  });

  it('takes portrait 1080x1920 from the LTX-2.3 models only, refusing it on LTX-2 with the field named', () => {
    const base = { image_uri: 'https://x.example.com/a.jpg', prompt: 'p', resolution: '1080x1920', fps: 25, duration: 8 };
    expect(checkLtxRequest({ ...base, model: 'ltx-2-3-fast' }).ok).toBe(true);
    expect(checkLtxRequest({ ...base, model: 'ltx-2-3-pro', fps: 50 }).ok).toBe(true);
    expect(checkLtxRequest({ ...base, model: 'ltx-2-fast' })).toEqual({
      ok: false,
      field: 'resolution',
      message: 'resolution must be one of 1920x1080, 2560x1440, 3840x2160, got "1080x1920" (ltx-2-fast makes no portrait video; portrait models: ltx-2-3-fast, ltx-2-3-pro)',
    });
    expect(checkLtxRequest({ ...base, model: 'ltx-2-pro' })).toMatchObject({ ok: false, field: 'resolution' });
    // Only the size the docs name: 1440x2560 is not in the table.
    expect(checkLtxRequest({ ...base, model: 'ltx-2-3-pro', resolution: '1440x2560' })).toMatchObject({ ok: false, field: 'resolution' });
    // Long clips: ltx-2-3-fast at 1080p25 in either orientation; ltx-2-3-pro never.
    expect(checkLtxRequest({ ...base, model: 'ltx-2-3-fast', duration: 20 }).ok).toBe(true);
    expect(checkLtxRequest({ ...base, model: 'ltx-2-3-fast', duration: 20, fps: 50 })).toMatchObject({ ok: false, field: 'duration' });
    expect(checkLtxRequest({ ...base, model: 'ltx-2-3-pro', duration: 12 })).toMatchObject({ ok: false, field: 'duration', message: 'duration must be one of 6, 8, 10 for ltx-2-3-pro, got 12' });
  });

  it('refuses a portrait test size on a model without portrait, even with the test-only any-size switch', () => {
    const base = { image_uri: 'https://x.example.com/a.jpg', prompt: 'p', resolution: '90x160', fps: 5, duration: 1 };
    expect(checkLtxRequest({ ...base, model: 'ltx-2-3-fast' }, { allowAnySize: true }).ok).toBe(true);
    expect(checkLtxRequest({ ...base, model: 'ltx-2-fast' }, { allowAnySize: true })).toMatchObject({ ok: false, field: 'resolution' });
  });

  it('allows http image URLs only on loopback hosts, and only when asked', () => {
    const base = { prompt: 'p', model: 'ltx-2-pro', duration: 6, resolution: '1920x1080', fps: 25 };
    expect(checkLtxRequest({ ...base, image_uri: 'http://127.0.0.1:9000/b/a.jpg' }).ok).toBe(false);
    expect(checkLtxRequest({ ...base, image_uri: 'http://127.0.0.1:9000/b/a.jpg' }, { allowLoopbackHttp: true }).ok).toBe(true);
    expect(checkLtxRequest({ ...base, image_uri: 'http://10.1.2.3/a.jpg' }, { allowLoopbackHttp: true }).ok).toBe(false);
  });
});

describe('image URIs', () => {
  it('builds a data URI and knows its length beforehand', () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const uri = toDataUri(bytes, 'image/png');
    expect(uri).toBe('data:image/png;base64,AQIDBA==');
    expect(dataUriLength(bytes.byteLength, 'image/png')).toBe(uri.length);
  });

  it('picks a data URI when it fits in 7 MB encoded, else the presigned URL up to 15 MB', () => {
    const fits = Math.floor(((LTX_MAX_DATA_URI_BYTES - 'data:image/jpeg;base64,'.length) / 4) * 3);
    const small = new Uint8Array(fits);
    expect(chooseImageUri({ bytes: small, contentType: 'image/jpeg', size: fits, presignedUrl: 'https://s3/x' }).startsWith('data:image/jpeg;base64,')).toBe(true);
    const big = new Uint8Array(fits + 3);
    expect(chooseImageUri({ bytes: big, contentType: 'image/jpeg', size: fits + 3, presignedUrl: 'https://s3/x' })).toBe('https://s3/x');
    expect(() => chooseImageUri({ contentType: 'image/jpeg', size: LTX_MAX_IMAGE_URL_BYTES + 1, presignedUrl: 'https://s3/x' })).toThrow(
      `the photo is ${LTX_MAX_IMAGE_URL_BYTES + 1} bytes; LTX accepts at most ${LTX_MAX_IMAGE_URL_BYTES} bytes (15 MB) from a URL`,
    );
    expect(() => chooseImageUri({ contentType: 'image/gif', size: 10 })).toThrow('LTX accepts image/jpeg, image/png, image/webp, got "image/gif"');
    expect(() => chooseImageUri({ contentType: 'image/png', size: 10_000_000 })).toThrow(/no presigned URL was given/);
  });
});

describe('retry helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, 2000, 30_000, () => 1))).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffDelayMs(3, 2000, 30_000, () => 0)).toBe(4000);
  });

  it("reads LTX's error body, and anything else as text", () => {
    expect(parseLtxErrorBody('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}')).toEqual({ type: 'rate_limit_error', message: 'slow down' });
    expect(parseLtxErrorBody('<html> Bad   gateway </html>')).toEqual({ type: undefined, message: '<html> Bad gateway </html>' });
    expect(parseLtxErrorBody('')).toEqual({ type: undefined, message: '(empty body)' });
  });
});
