import { UpstreamError } from '../../domain/errors';

/**
 * Turning LTX's answers into UpstreamErrors with a message a user can act on and a `retryable` that
 * follows the docs: 429 and 5xx are transient; 400/401/402/403/404/413/422 fail the same way again.
 */

/** What went wrong, in words; the final message after retries starts with it. */
export type LtxFailureKind =
  | 'LTX rate limit'
  | 'LTX server error'
  | 'LTX timed out'
  | 'LTX unreachable'
  | 'LTX video stream cut short'
  | 'LTX answer unusable';

export interface LtxErrorContext {
  kind?: LtxFailureKind;
  detail: string;
  requestId?: string;
}

/** Reads `{"type":"error","error":{"type","message"}}`; anything else (a proxy's HTML) becomes a short text. */
export function parseLtxErrorBody(text: string): { type: string | undefined; message: string } {
  try {
    const parsed = JSON.parse(text) as { error?: { type?: unknown; message?: unknown } };
    const type = typeof parsed.error?.type === 'string' ? parsed.error.type : undefined;
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;
    if (type || message) return { type, message: message ?? '(no message)' };
  } catch {
    // not JSON: fall through to the raw text
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return { type: undefined, message: flat === '' ? '(empty body)' : flat.slice(0, 200) };
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export function ltxError(
  message: string,
  options: { status?: number; retryable: boolean; retryAfterMs?: number; code: string; cause?: unknown; context: LtxErrorContext },
): UpstreamError {
  return new UpstreamError('ltx', message, { ...options, context: { ...options.context } });
}

/** The error for a non-200 answer. `type` defaults to the documented type for the status. */
export function errorFromLtxResponse(
  status: number,
  body: { type: string | undefined; message: string },
  retryAfterMs: number | undefined,
  requestId: string | undefined,
): UpstreamError {
  const type = body.type ?? `http_${status}`;
  const detail = body.message;
  const base = { status, code: type, context: { detail, requestId } };
  const tagged = (kind: LtxFailureKind): LtxErrorContext => ({ kind, detail: `${status} ${type}: ${detail}`, requestId });
  if (status === 429) {
    return ltxError(`LTX rate limit (${type}): ${detail}`, { ...base, retryable: true, retryAfterMs, context: tagged('LTX rate limit') });
  }
  if (status >= 500 || status === 408) {
    return ltxError(`LTX server error (${status} ${type}): ${detail}`, { ...base, retryable: true, retryAfterMs, context: tagged('LTX server error') });
  }
  switch (status) {
    case 400:
      return ltxError(`LTX rejected the request (${type}): ${detail}`, { ...base, retryable: false });
    case 401:
      return ltxError(`LTX refused the API key (${type}): ${detail}. Check LTX_API_KEY.`, { ...base, retryable: false });
    case 402:
      return ltxError(`LTX account is out of credits (${type}): ${detail}. Add credits in the LTX console, then replay the job.`, { ...base, retryable: false });
    case 403:
      return ltxError(`LTX denied access (${type}): ${detail}. Check the API key's permissions.`, { ...base, retryable: false });
    case 404:
      return ltxError(`LTX has no such endpoint (${type}): ${detail}. Check LTX_API_URL.`, { ...base, retryable: false });
    case 413:
      return ltxError(`LTX refused the request as too large (${type}): ${detail}. Send the photo as an https URL, not a data URI.`, { ...base, retryable: false });
    case 422:
      return ltxError(`LTX refused the content (${type}): ${detail}. Try another photo or prompt.`, { ...base, retryable: false });
    default:
      return ltxError(`LTX answered ${status} (${type}): ${detail}`, { ...base, retryable: false });
  }
}
