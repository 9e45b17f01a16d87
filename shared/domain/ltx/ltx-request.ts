import { ValidationError } from '../errors';
import { showValue as show } from '../show-value';
import { CAMERA_MOTIONS, type CameraMotion, type JobOptions } from '../job-options';
import type { LtxClipPlan } from './ltx-clip-plan';
import { LTX_MAX_DATA_URI_BYTES, LTX_MAX_PROMPT_LENGTH } from './ltx-limits';
import { LTX_MODEL_SPECS, LTX_MODELS, modelCombinationProblem, type LtxModel, type LtxResolution } from './ltx-models';

/** The JSON body of `POST /v1/image-to-video`, as this project sends it. */
export interface LtxImageToVideoRequest {
  image_uri: string;
  prompt: string;
  model: LtxModel;
  duration: number;
  /** `WIDTHxHEIGHT`: one of the model's resolutions (ltx-models.ts; any even size only with the local server's test-only `allowAnySize`). */
  resolution: string;
  fps: number;
  camera_motion?: CameraMotion;
  /** Always false here: the music comes from the Remotion template, and LTX bills audio the same. */
  generate_audio: boolean;
}

export interface LtxRequestCheckOptions {
  /** Local stack only: accept `http://` image URLs on loopback hosts (the local S3 speaks plain http). */
  allowLoopbackHttp?: boolean;
  /**
   * Test-only (local server): any even WIDTHxHEIGHT up to 3840x2160 (or 2160x3840 for a model that makes
   * portrait; a taller-than-wide size on any other model is refused as the service refuses 1080x1920),
   * any whole duration 1..20 s, fps 1..60.
   */
  allowAnySize?: boolean;
}

export type LtxRequestCheck =
  | { ok: true; value: LtxImageToVideoRequest }
  | { ok: false; field: string; message: string };

const DATA_URI_PREFIX = /^data:image\/(jpeg|jpg|png|webp);base64,/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isIpHost(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');
}

/** Checks `image_uri`'s form and, for a data URI, its encoded size; fetching and decoding are the server's job. */
export function checkImageUri(value: unknown, options: LtxRequestCheckOptions = {}): string | null {
  if (value === undefined || value === null) return 'image_uri is required';
  if (typeof value !== 'string') return `image_uri must be a string, got ${typeName(value)}`;
  if (value.startsWith('data:')) {
    if (!DATA_URI_PREFIX.test(value)) {
      return `image_uri data URI must start with data:image/{jpeg|png|webp};base64, got ${show(value.slice(0, 40))}`;
    }
    if (value.length > LTX_MAX_DATA_URI_BYTES) {
      return `image_uri data URI is ${value.length} bytes encoded; the limit is ${LTX_MAX_DATA_URI_BYTES} bytes (7 MB): use an https URL for larger images`;
    }
    return null;
  }
  if (value.startsWith('ltx://')) return value.length > 'ltx://'.length ? null : 'image_uri ltx:// URI has no path';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `image_uri must be an https URL, a data URI or an ltx:// URI, got ${show(value)}`;
  }
  if (url.protocol === 'http:' && options.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname)) return null;
  if (url.protocol !== 'https:') return `image_uri must use https, got ${show(value)}`;
  if (isIpHost(url.hostname)) return `image_uri must name a domain, not an IP address, got ${show(url.hostname)}`;
  return null;
}

function checkSize(body: Record<string, unknown>, model: LtxModel, anySize: boolean): { field: string; message: string } | null {
  const { duration, resolution, fps } = body;
  if (!anySize) return modelCombinationProblem({ model, resolution, fps, duration });
  const match = typeof resolution === 'string' ? /^(\d+)x(\d+)$/.exec(resolution) : null;
  const w = Number(match?.[1]);
  const h = Number(match?.[2]);
  if (!match || w % 2 || h % 2 || Math.min(w, h) < 16 || Math.max(w, h) > 3840 || Math.min(w, h) > 2160) {
    return { field: 'resolution', message: `resolution must be an even WIDTHxHEIGHT between 16x16 and 3840x2160 (or 2160x3840), got ${show(resolution)}` };
  }
  if (h > w && !LTX_MODEL_SPECS[model].resolutions.some((r) => isTall(r))) {
    return { field: 'resolution', message: `resolution ${String(resolution)} is portrait; ${model} makes no portrait video` };
  }
  if (!Number.isInteger(duration) || (duration as number) < 1 || (duration as number) > 20) {
    return { field: 'duration', message: `duration must be a whole number of seconds from 1 to 20, got ${show(duration)}` };
  }
  if (!Number.isInteger(fps) || (fps as number) < 1 || (fps as number) > 60) {
    return { field: 'fps', message: `fps must be a whole number from 1 to 60, got ${show(fps)}` };
  }
  return null;
}

function isTall(resolution: LtxResolution): boolean {
  const [w, h] = resolution.split('x').map(Number);
  return h! > w!;
}

/**
 * Checks a request body as the LTX-2 API does (required fields, enums, model/duration/resolution/fps
 * combinations, image_uri form). The first problem wins, named by field. Unknown fields are ignored.
 */
export function checkLtxRequest(body: unknown, options: LtxRequestCheckOptions = {}): LtxRequestCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, field: 'body', message: `request body must be a JSON object, got ${typeName(body)}` };
  }
  const b = body as Record<string, unknown>;
  const imageProblem = checkImageUri(b.image_uri, options);
  if (imageProblem) return { ok: false, field: 'image_uri', message: imageProblem };
  if (b.prompt === undefined || b.prompt === null) return { ok: false, field: 'prompt', message: 'prompt is required' };
  if (typeof b.prompt !== 'string') return { ok: false, field: 'prompt', message: `prompt must be a string, got ${typeName(b.prompt)}` };
  if (b.prompt.trim() === '') return { ok: false, field: 'prompt', message: 'prompt must not be empty' };
  if (b.prompt.length > LTX_MAX_PROMPT_LENGTH) {
    return { ok: false, field: 'prompt', message: `prompt is ${b.prompt.length} characters; the limit is ${LTX_MAX_PROMPT_LENGTH}` };
  }
  if (b.model === undefined) return { ok: false, field: 'model', message: 'model is required' };
  if (!(LTX_MODELS as readonly unknown[]).includes(b.model)) {
    return { ok: false, field: 'model', message: `model must be one of ${LTX_MODELS.join(', ')}, got ${show(b.model)}` };
  }
  const model = b.model as LtxModel;
  // fps is optional in the API; this project always sends it, and 25 is LTX-2's usual rate.
  const withFps: Record<string, unknown> = { ...b, fps: b.fps === undefined ? 25 : b.fps };
  const sizeProblem = checkSize(withFps, model, options.allowAnySize === true);
  if (sizeProblem) return { ok: false, ...sizeProblem };
  if (b.camera_motion !== undefined && !(CAMERA_MOTIONS as readonly unknown[]).includes(b.camera_motion)) {
    return { ok: false, field: 'camera_motion', message: `camera_motion must be one of ${CAMERA_MOTIONS.join(', ')}, got ${show(b.camera_motion)}` };
  }
  if (b.generate_audio !== undefined && typeof b.generate_audio !== 'boolean') {
    return { ok: false, field: 'generate_audio', message: `generate_audio must be a boolean, got ${show(b.generate_audio)}` };
  }
  const value: LtxImageToVideoRequest = {
    image_uri: b.image_uri as string,
    prompt: b.prompt,
    model,
    duration: withFps.duration as number,
    resolution: withFps.resolution as string,
    fps: withFps.fps as number,
    generate_audio: b.generate_audio === true,
  };
  if (b.camera_motion !== undefined) value.camera_motion = b.camera_motion as CameraMotion;
  return { ok: true, value };
}

/** Throws ValidationError (field named) for a body LTX would refuse; the client checks before paying a round trip. */
export function validateLtxRequest(body: unknown, options: LtxRequestCheckOptions = {}): LtxImageToVideoRequest {
  const check = checkLtxRequest(body, options);
  if (!check.ok) throw new ValidationError(check.field, check.message, { context: { service: 'ltx' } });
  return check.value;
}

/** The request for one of a job's clips: the job's prompt and motion, the clip's model, size, fps and length; never LTX's audio. */
export function buildLtxRequest(
  options: Pick<JobOptions, 'prompt' | 'cameraMotion'>,
  clip: Pick<LtxClipPlan, 'model' | 'resolution' | 'fps' | 'duration'>,
  imageUri: string,
  checkOptions: LtxRequestCheckOptions = {},
): LtxImageToVideoRequest {
  return validateLtxRequest(
    {
      image_uri: imageUri,
      prompt: options.prompt,
      model: clip.model,
      duration: clip.duration,
      resolution: clip.resolution,
      fps: clip.fps,
      camera_motion: options.cameraMotion,
      generate_audio: false,
    },
    checkOptions,
  );
}
