import { AuthError, PipelineError, QuotaExceededError, UpstreamError, ValidationError, isRetryable } from '../domain/errors';
import type { FunctionUrlResult } from './function-url';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): FunctionUrlResult {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/**
 * Maps an error to the HTTP answer its sender should see. Internal failures say only that they
 * happened (details go to the log), so no stack, key or query leaks to a client.
 */
export function errorResponse(err: unknown, headers: Record<string, string> = {}): FunctionUrlResult {
  if (err instanceof ValidationError) return json(400, errorBody('invalid_request', err.message), headers);
  if (err instanceof AuthError) return json(401, errorBody('unauthorized', err.message), { ...headers, 'www-authenticate': 'Bearer' });
  if (err instanceof QuotaExceededError) return json(429, errorBody('quota_exceeded', err.message), { ...headers, 'retry-after': '3600' });
  if (err instanceof UpstreamError && isRetryable(err)) {
    return json(503, errorBody('unavailable', 'The service is briefly unavailable; try again in a few seconds.'), { ...headers, 'retry-after': '5' });
  }
  const code = err instanceof PipelineError ? err.code : 'internal_error';
  return json(500, errorBody(code, 'Something went wrong on our side; try again. If it persists, contact support.'), headers);
}
