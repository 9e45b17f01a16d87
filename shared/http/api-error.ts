import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AuthError, ForbiddenError, PipelineError, QuotaExceededError, UpstreamError, ValidationError, JobStateError, isRetryable } from '../domain/errors';
import { JobNotFoundError } from '../pipeline/replay-job';

/**
 * An answer of the web API that is not a success: its status, a stable `code` the web app can switch
 * on, a message its user can read, and any headers the status calls for. Every refusal leaves the
 * app as one of these, in one shape: `{"error": {"code", "message"}}`.
 */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: ContentfulStatusCode, code: string, message: string, options: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(status, { message, cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.headers = options.headers ?? {};
  }

  override getResponse(): Response {
    return Response.json({ error: { code: this.code, message: this.message } }, { status: this.status, headers: this.headers });
  }
}

const INTERNAL_MESSAGE = 'Something went wrong on our side; try again. If it persists, contact support.';

/**
 * The one mapping from what went wrong to what the caller is told. Internal failures say only that
 * they happened (details go to the log), so no stack, key or query leaks to a client.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ValidationError) return new ApiError(400, 'invalid_request', err.message, { cause: err });
  if (err instanceof AuthError) return new ApiError(401, 'unauthorized', err.message, { headers: { 'www-authenticate': 'Bearer' }, cause: err });
  if (err instanceof ForbiddenError) return new ApiError(403, err.code, err.message, { cause: err });
  if (err instanceof QuotaExceededError) return new ApiError(429, err.code, err.message, { headers: { 'retry-after': '3600' }, cause: err });
  // Someone else's job is reported as missing: its existence is not the caller's business.
  if (err instanceof JobNotFoundError) return new ApiError(404, 'not_found', err.message, { cause: err });
  if (err instanceof JobStateError) return new ApiError(409, 'job_state', err.message, { cause: err });
  if (err instanceof UpstreamError && isRetryable(err)) {
    return new ApiError(503, 'unavailable', 'The service is briefly unavailable; try again in a few seconds.', { headers: { 'retry-after': '5' }, cause: err });
  }
  // Hono's own refusals (a malformed request it could not read) keep their status.
  if (err instanceof HTTPException && err.status < 500) return new ApiError(err.status, 'invalid_request', err.message, { cause: err });
  return new ApiError(500, err instanceof PipelineError ? err.code : 'internal_error', INTERNAL_MESSAGE, { cause: err });
}
