import { describe, expect, it } from 'vitest';
import { validateRenderRequest } from '../../remotion/validate-render-request';
import { ValidationError } from '../../shared/domain/errors';
import type { RenderRequest } from '../../shared/ports/renderer';
import { VIDEO_FORMATS, renderSizeFor } from '../../shared/domain/video-formats';

const good = (): RenderRequest => ({
  jobId: 'j',
  props: { clipUrl: 'http://127.0.0.1:9000/bucket/ltx-videos/u/j.mp4?X-Amz-Signature=abc', title: 'Villa', subtitle: '', musicFile: 'golden-hour.mp3', clipDurationSeconds: 6, format: '16:9' },
  width: 1920,
  height: 1080,
  fps: 25,
  bucket: 'b',
  videoKey: 'renders/u/j.mp4',
  thumbnailKey: 'thumbnails/u/j.jpg',
});

function errorOf(mutate: (r: RenderRequest) => void): ValidationError {
  const request = good();
  mutate(request);
  try {
    validateRenderRequest(request);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('validateRenderRequest', () => {
  it('accepts a well-formed request', () => {
    expect(() => validateRenderRequest(good())).not.toThrow();
  });

  it('accepts every format at its delivered size and at any scale renderSizeFor gives, rounding included', () => {
    for (const format of VIDEO_FORMATS) {
      for (const scale of [1, 1 / 2, 1 / 6, 1 / 10, 2]) {
        const request = { ...good(), ...renderSizeFor(format, scale) };
        request.props = { ...request.props, format };
        expect(() => validateRenderRequest(request), `${format} at ${scale}`).not.toThrow();
      }
    }
  });

  it.each([
    ['width', (r: RenderRequest) => { r.width = 321; }, 'width must be even (H.264 4:2:0), received 321'],
    ['height', (r: RenderRequest) => { r.height = 8; }, 'height must be a whole number of pixels from 16 to 7680, received 8'],
    ['width', (r: RenderRequest) => { r.width = 1920.5; }, 'width must be a whole number of pixels from 16 to 7680, received 1920.5'],
    ['fps', (r: RenderRequest) => { r.fps = 0; }, 'fps must be a number from 1 to 60, received 0'],
    ['videoKey', (r: RenderRequest) => { r.videoKey = ''; }, 'videoKey must be a non-empty string, received ""'],
    ['props.clipUrl', (r: RenderRequest) => { r.props.clipUrl = 'file:///etc/passwd'; }, 'props.clipUrl must be an http(s) URL of at most 8192 characters, received "file:///etc/passwd"'],
    ['props.title', (r: RenderRequest) => { r.props.title = 'x'.repeat(81); }, `props.title must be a string of at most 80 characters, received "${'x'.repeat(81)}"`],
    ['props.subtitle', (r: RenderRequest) => { (r.props as { subtitle: unknown }).subtitle = 7; }, 'props.subtitle must be a string of at most 120 characters, received 7'],
    ['props.musicFile', (r: RenderRequest) => { r.props.musicFile = '../../etc/passwd'; }, 'props.musicFile must be one of background-music.mp3, golden-hour.mp3, ocean-breeze.mp3, received "../../etc/passwd"'],
    ['props.clipDurationSeconds', (r: RenderRequest) => { r.props.clipDurationSeconds = Number.NaN; }, 'props.clipDurationSeconds must be a number of seconds above 0 and at most 120, received NaN'],
    ['props.clipDurationSeconds', (r: RenderRequest) => { r.props.clipDurationSeconds = 121; }, 'props.clipDurationSeconds must be a number of seconds above 0 and at most 120, received 121'],
    ['props.format', (r: RenderRequest) => { (r.props as { format: unknown }).format = '21:9'; }, 'props.format must be one of 16:9, 9:16, 4:5, 1:1, received "21:9"'],
    ['props.format', (r: RenderRequest) => { delete (r.props as { format?: unknown }).format; }, 'props.format must be one of 16:9, 9:16, 4:5, 1:1, received undefined'],
    ['width', (r: RenderRequest) => { r.props.format = '9:16'; }, 'width x height 1920x1080 is not the shape of props.format 9:16 (1080x1920 or that scaled, each side rounded to even pixels)'],
    ['width', (r: RenderRequest) => { r.props.format = '4:5'; r.width = 1080; r.height = 1080; }, 'width x height 1080x1080 is not the shape of props.format 4:5 (1080x1350 or that scaled, each side rounded to even pixels)'],
    ['width', (r: RenderRequest) => { r.props.format = '1:1'; r.width = 180; r.height = 226; }, 'width x height 180x226 is not the shape of props.format 1:1 (1080x1080 or that scaled, each side rounded to even pixels)'],
  ])('refuses a bad %s, naming the field, the limit and the value', (field, mutate, message) => {
    const err = errorOf(mutate);
    expect(err.field).toBe(field);
    expect(err.message).toBe(message);
  });
});
