import { ForbiddenError, JobStateError, QuotaExceededError, UpstreamError, ValidationError } from './errors';

/**
 * The one mapping from what went wrong inside a job to the sentence its user reads (the job row's
 * `error`, shown by the web app). Our own refusals (a bad photo, a quota) are written for users and
 * pass as they are; everything else (an outside service's answer, a crash, a decoder's output) is
 * named by kind only, because its text is not ours: it can carry FFmpeg's output, stack traces,
 * memory addresses, file paths or keys. The full error goes to the log, never to the row.
 */

export type JobStage = 'generation' | 'rendering';

const NOT_YOUR_PHOTO = 'This is a problem on our side, not with your photo: try again later.';

const LTX_BY_STATUS: Record<number, string> = {
  400: 'The video generation service could not use this photo: it may be damaged or cut short. Export or save it again as a JPEG or PNG and upload the new file.',
  401: `The video generation service refused our credentials. ${NOT_YOUR_PHOTO}`,
  402: `The video generation service account is out of credit. ${NOT_YOUR_PHOTO}`,
  403: `The video generation service refused our credentials. ${NOT_YOUR_PHOTO}`,
  404: `The video generation service is misconfigured on our side. ${NOT_YOUR_PHOTO}`,
  413: 'The photo is too large for the video generation service. Upload a smaller photo.',
  422: 'The video generation service refused this photo or its text under its content policy. Try another photo.',
};

/** LTX's documented error types (the same refusals as the statuses, for answers that name their type). */
const LTX_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  insufficient_funds_error: 402,
  request_too_large: 413,
  content_filtered_error: 422,
};

const BY_SERVICE: Record<string, string> = {
  ltx: 'The video generation service was busy or unavailable. Try again later.',
  remotion: 'Rendering the final video failed. Try again later; if it fails again, contact support.',
  s3: 'The photo or video could not be read or written in storage. Try again later.',
  supabase: 'Our database was briefly unavailable. Try again later.',
};

const SOMETHING_WENT_WRONG: Record<JobStage, string> = {
  generation: 'Something went wrong on our side while generating the video. Try again later; if it fails again, contact support.',
  rendering: 'Something went wrong on our side while rendering the video. Try again later; if it fails again, contact support.',
};

/** The user's sentence for `err`, which failed the job at `stage`. */
export function userMessageFor(err: unknown, stage: JobStage): string {
  if (err instanceof ValidationError || err instanceof QuotaExceededError || err instanceof ForbiddenError || err instanceof JobStateError) {
    return scrubInternals(err.message);
  }
  if (err instanceof UpstreamError) {
    if (err.service === 'ltx' && !err.retryable) {
      const status = LTX_BY_TYPE[err.code] ?? err.status;
      if (status !== undefined && LTX_BY_STATUS[status]) return LTX_BY_STATUS[status]!;
    }
    if (err.code === 'config_error') return `The service is misconfigured. ${NOT_YOUR_PHOTO}`;
    const byService = BY_SERVICE[err.service];
    if (byService) return byService;
  }
  return SOMETHING_WENT_WRONG[stage];
}

/** The longest failure reason kept on a job row. */
export const MAX_USER_MESSAGE_LENGTH = 500;

/**
 * The last guard before a reason is stored where users read it: whatever slipped through loses stack
 * frames, memory addresses and absolute file paths, and the whole is bounded in length.
 */
export function scrubInternals(text: string): string {
  const scrubbed = text
    .replace(/\n\s*at .*/g, '')
    .replace(/\b0x[0-9a-f]{4,}\b/gi, '[address]')
    .replace(/(^|[\s('"=:])(?:[A-Za-z]:\\|\/)(?:[\w.@+-]+[\\/])+[\w.@+-]*/g, '$1[path]')
    .replace(/\s+/g, ' ')
    .trim();
  return scrubbed.length > MAX_USER_MESSAGE_LENGTH ? `${scrubbed.slice(0, MAX_USER_MESSAGE_LENGTH - 1)}…` : scrubbed;
}
