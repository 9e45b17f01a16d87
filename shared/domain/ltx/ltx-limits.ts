/**
 * The LTX-2 API's documented numbers (docs.ltx.video: Input Formats, Supported Models, Error Handling,
 * Rate Limits; API reference "Generate video from image"). One place, so the client, the local
 * stand-in and the upload checks agree.
 */

export const LTX_DEFAULT_API_URL = 'https://api.ltx.video';
export const LTX_IMAGE_TO_VIDEO_PATH = '/v1/image-to-video';

/** "MB" in the docs is read as MiB; the docs do not say which, and the presign limit uses MiB too. */
const MB = 1024 * 1024;

/** Input Formats: a data URI's *encoded* size (the whole `data:...;base64,...` string) for image-to-video. */
export const LTX_MAX_DATA_URI_BYTES = 7 * MB;
/** Input Formats: an https image URL is fetched by LTX: at most 15 MB, within 10 s, no redirects. */
export const LTX_MAX_IMAGE_URL_BYTES = 15 * MB;
export const LTX_IMAGE_FETCH_TIMEOUT_MS = 10_000;
/** Input Formats: PNG, JPEG, WEBP. */
export const LTX_IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** API reference: `prompt` is required, at most 5000 characters. */
export const LTX_MAX_PROMPT_LENGTH = 5000;

/* Each model's durations, resolutions and fps (Supported Models) are in ltx-models.ts. */

/** Rate Limits: the default quota is 2 concurrent generations per account. */
export const LTX_DEFAULT_CONCURRENCY = 2;

/** Error Handling: the error `type` for each documented status. */
export const LTX_ERROR_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_funds_error',
  413: 'request_too_large',
  422: 'content_filtered_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'service_unavailable',
} as const;
export const LTX_CONCURRENCY_ERROR_TYPE = 'concurrency_limit_error';

/** Client defaults (ours, not LTX's): a generation takes 30 to 120 s, so three minutes per attempt. */
export const LTX_CLIENT_DEFAULTS = {
  requestTimeoutMs: 180_000,
  retry: { maxAttempts: 4, baseDelayMs: 2_000, maxDelayMs: 30_000, budgetMs: 300_000 },
} as const;
