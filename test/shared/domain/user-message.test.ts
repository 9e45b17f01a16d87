import { describe, expect, it } from 'vitest';
import { ConfigError, QuotaExceededError, UpstreamError, ValidationError } from '../../../shared/domain/errors';
import { scrubInternals, userMessageFor } from '../../../shared/domain/user-message';

/** What FFmpeg printed for a truncated JPEG, as it reached a job row before (hostile-input finding 7). */
const FFMPEG =
  'LTX rejected the request (invalid_request_error): image_uri is not a decodable JPEG image ([vost#0:0/rawvideo @ 0x55cbd4a49000] Task finished with error code: -22 (Invalid argument) | [out#0/image2pipe @ 0x55cbd4a4b200] Nothing was written into output file, because at least one of its streams received no packets.)';

describe('userMessageFor: one mapping from internal errors to what a user reads', () => {
  it('passes our own refusals, written for users, as they are', () => {
    expect(userMessageFor(new ValidationError('image', 'The photo is empty (0 bytes). Upload a JPEG, PNG or WebP photo.'), 'generation')).toBe(
      'The photo is empty (0 bytes). Upload a JPEG, PNG or WebP photo.',
    );
    expect(userMessageFor(new QuotaExceededError('You have started 3 videos in the last 24 hours; the limit is 3. Try again tomorrow.'), 'generation')).toMatch(/^You have started 3/);
  });

  it('names an outside service’s refusal by what it means for the user, never in its own words', () => {
    const ltx = (status: number, code: string, message = FFMPEG) => new UpstreamError('ltx', message, { status, code, retryable: false });
    expect(userMessageFor(ltx(400, 'invalid_request_error'), 'generation')).toBe(
      'The video generation service could not use this photo: it may be damaged or cut short. Export or save it again as a JPEG or PNG and upload the new file.',
    );
    // The type decides where LTX names one (the local stand-in's injected refusal comes as a 400).
    expect(userMessageFor(ltx(400, 'content_filtered_error'), 'generation')).toBe('The video generation service refused this photo or its text under its content policy. Try another photo.');
    expect(userMessageFor(ltx(402, 'insufficient_funds_error'), 'generation')).toMatch(/out of credit\. This is a problem on our side, not with your photo/);
    expect(userMessageFor(ltx(401, 'authentication_error'), 'generation')).toMatch(/refused our credentials/);
    expect(userMessageFor(new UpstreamError('ltx', FFMPEG, { status: 503, retryable: true }), 'generation')).toBe('The video generation service was busy or unavailable. Try again later.');
    expect(userMessageFor(new UpstreamError('s3', 'S3 GET of images/u/j.jpg failed (500): at /var/task/index.mjs:1:2', { retryable: true }), 'generation')).toBe(
      'The photo or video could not be read or written in storage. Try again later.',
    );
  });

  it('says only that something went wrong for a crash of our own, at the stage it happened', () => {
    const crash = new TypeError("Cannot read properties of undefined (reading 'x')\n    at renderFrame (/home/dev/villa/remotion/render-local.ts:41:7)");
    expect(userMessageFor(crash, 'rendering')).toBe('Something went wrong on our side while rendering the video. Try again later; if it fails again, contact support.');
    expect(userMessageFor(new ConfigError('SUPABASE_URL is required'), 'generation')).toMatch(/^Something went wrong on our side while generating/);
    expect(userMessageFor('a thrown string', 'generation')).toMatch(/^Something went wrong/);
  });
});

describe('scrubInternals: the last guard before a row', () => {
  it('drops stack frames, memory addresses and absolute paths, and bounds the length', () => {
    const leaked = `${FFMPEG}\n    at decode (/home/dev/villa/local/ltx/decode-image.ts:60:11)\n    at C:\\Users\\dev\\villa\\x.ts`;
    const scrubbed = scrubInternals(leaked);
    expect(scrubbed).not.toMatch(/0x[0-9a-f]{4,}/i);
    expect(scrubbed).not.toMatch(/\/home\/|decode-image|\\Users/);
    expect(scrubbed).not.toMatch(/\n|\s at /);
    expect(scrubInternals('x'.repeat(2000))).toHaveLength(500);
    expect(scrubInternals('Open /tmp/villa-s3-abc/villa-video-local/images/a.jpg._S3rver_object failed')).toBe('Open [path] failed');
  });

  it('leaves what users need: object keys, URLs, numbers', () => {
    const fine = 'The photo images/u1/villa.jpg is 16000x16000 pixels (256.0 megapixels); see https://example.com/help/photos.';
    expect(scrubInternals(fine)).toBe(fine);
  });
});
