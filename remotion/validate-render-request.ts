import { ValidationError } from '../shared/domain/errors';
import { LIMITS } from '../shared/domain/job-options';
import { MUSIC_FILES, isMusicFile } from '../shared/domain/music';
import { checkFormatAndSize } from '../shared/domain/template-layout';
import type { RenderRequest } from '../shared/ports/renderer';

/** Bounds of what the local renderer accepts; H.264 with 4:2:0 chroma needs even dimensions. */
export const RENDER_LIMITS = {
  minSide: 16,
  maxSide: 7680,
  minFps: 1,
  maxFps: 60,
  maxClipSeconds: 120,
  maxUrlLength: 8192,
} as const;

function fail(field: string, message: string, value: unknown): never {
  const shown = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  throw new ValidationError(field, `${field} ${message}, received ${shown}`);
}

function side(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < RENDER_LIMITS.minSide || value > RENDER_LIMITS.maxSide) {
    fail(field, `must be a whole number of pixels from ${RENDER_LIMITS.minSide} to ${RENDER_LIMITS.maxSide}`, value);
  }
  if (value % 2 !== 0) fail(field, 'must be even (H.264 4:2:0)', value);
}

/** Checks a render request before any I/O: every field named, with its limit and the value received. */
export function validateRenderRequest(request: RenderRequest): void {
  side('width', request.width);
  side('height', request.height);
  const { fps, props } = request;
  if (typeof fps !== 'number' || !Number.isFinite(fps) || fps < RENDER_LIMITS.minFps || fps > RENDER_LIMITS.maxFps) {
    fail('fps', `must be a number from ${RENDER_LIMITS.minFps} to ${RENDER_LIMITS.maxFps}`, fps);
  }
  for (const key of ['videoKey', 'thumbnailKey', 'bucket'] as const) {
    if (typeof request[key] !== 'string' || request[key] === '') fail(key, 'must be a non-empty string', request[key]);
  }
  if (typeof props !== 'object' || props === null) fail('props', 'must be an object', props);
  const url = props.clipUrl;
  if (typeof url !== 'string' || url.length > RENDER_LIMITS.maxUrlLength || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    fail('props.clipUrl', `must be an http(s) URL of at most ${RENDER_LIMITS.maxUrlLength} characters`, typeof url === 'string' ? url.slice(0, 120) : url);
  }
  if (typeof props.title !== 'string' || props.title.length > LIMITS.titleMaxLength) {
    fail('props.title', `must be a string of at most ${LIMITS.titleMaxLength} characters`, props.title);
  }
  if (typeof props.subtitle !== 'string' || props.subtitle.length > LIMITS.subtitleMaxLength) {
    fail('props.subtitle', `must be a string of at most ${LIMITS.subtitleMaxLength} characters`, props.subtitle);
  }
  if (!isMusicFile(props.musicFile)) fail('props.musicFile', `must be one of ${MUSIC_FILES.join(', ')}`, props.musicFile);
  const seconds = props.clipDurationSeconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > RENDER_LIMITS.maxClipSeconds) {
    fail('props.clipDurationSeconds', `must be a number of seconds above 0 and at most ${RENDER_LIMITS.maxClipSeconds}`, seconds);
  }
  // One of the four, and the size (which may be scaled: tests render at 1/6) of its shape.
  checkFormatAndSize(props.format, request.width, request.height);
}
