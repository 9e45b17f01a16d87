import { abortableSleep } from '../../domain/abortable-sleep';
import { UpstreamError } from '../../domain/errors';
import { backoffDelayMs } from './ltx-backoff';
import { errorFromLtxResponse, ltxError, parseLtxErrorBody, parseRetryAfter, type LtxErrorContext } from './ltx-error';
import { LTX_CLIENT_DEFAULTS, LTX_DEFAULT_API_URL, LTX_IMAGE_TO_VIDEO_PATH } from '../../domain/ltx/ltx-limits';
import { validateLtxRequest, type LtxImageToVideoRequest, type LtxRequestCheckOptions } from '../../domain/ltx/ltx-request';
import { guardVideoStream } from './ltx-video-stream';

export interface LtxRetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Time for all attempts and waits together; a wait that would pass it is not started. */
  budgetMs: number;
}

export type LtxLogger = (level: 'info' | 'warn', message: string, context?: Record<string, unknown>) => void;

export interface LtxClientOptions {
  apiUrl?: string;
  apiKey: string;
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  retry?: Partial<LtxRetryOptions>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  log?: LtxLogger;
  /** For jitter; tests pin it. */
  random?: () => number;
  /** Which image_uri forms and sizes to accept before sending (default: loopback http allowed, for the local stack). */
  requestChecks?: LtxRequestCheckOptions;
}

export interface LtxAttemptInfo {
  attempt: number;
  maxAttempts: number;
  elapsedMs: number;
  previousError?: UpstreamError;
}

export interface ImageToVideoOptions {
  signal?: AbortSignal;
  onAttempt?: (info: LtxAttemptInfo) => void;
}

export interface LtxVideo {
  /** The MP4, streamed; it errors with a retryable UpstreamError (`truncated_response`) if cut short. */
  body: ReadableStream<Uint8Array>;
  contentLength?: number;
  requestId: string;
  attempts: number;
}

interface ResolvedOptions {
  url: string;
  apiKey: string;
  fetch: typeof fetch;
  requestTimeoutMs: number;
  retry: LtxRetryOptions;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  log: LtxLogger;
  random: () => number;
  requestChecks: LtxRequestCheckOptions;
}


function resolveOptions(options: LtxClientOptions): ResolvedOptions {
  if (!options.apiKey) throw new UpstreamError('ltx', 'LTX API key is empty: set LTX_API_KEY', { retryable: false, code: 'config_error' });
  const retry = { ...LTX_CLIENT_DEFAULTS.retry, ...options.retry };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) {
    throw new UpstreamError('ltx', `retry.maxAttempts must be a whole number >= 1, got ${retry.maxAttempts}`, { retryable: false, code: 'config_error' });
  }
  return {
    url: new URL(LTX_IMAGE_TO_VIDEO_PATH, options.apiUrl ?? LTX_DEFAULT_API_URL).toString(),
    apiKey: options.apiKey,
    fetch: options.fetch ?? fetch,
    requestTimeoutMs: options.requestTimeoutMs ?? LTX_CLIENT_DEFAULTS.requestTimeoutMs,
    retry,
    sleep: options.sleep ?? ((ms, signal) => abortableSleep(ms, signal)),
    log: options.log ?? (() => {}),
    random: options.random ?? Math.random,
    requestChecks: options.requestChecks ?? { allowLoopbackHttp: true },
  };
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function networkError(err: unknown, timedOut: boolean, timeoutMs: number): UpstreamError {
  if (timedOut) {
    return ltxError(`LTX timed out: no answer within ${seconds(timeoutMs)}`, {
      retryable: true,
      code: 'timeout',
      cause: err,
      context: { kind: 'LTX timed out', detail: `no answer within ${seconds(timeoutMs)}` },
    });
  }
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : (err as Error).name;
  const detail = `${code}${typeof cause?.message === 'string' ? `: ${cause.message}` : ''}`;
  return ltxError(`LTX unreachable (${detail})`, { retryable: true, code: 'network_error', cause: err, context: { kind: 'LTX unreachable', detail } });
}

/**
 * LTX-2 image-to-video over HTTP: one synchronous POST whose answer is the MP4 itself, retried on
 * 429 (honouring Retry-After), 5xx, network errors and timeouts within a time budget; never on the
 * 4xx answers that would fail again (bad request, key, credits, content).
 */
export class LtxClient {
  private readonly options: ResolvedOptions;

  constructor(options: LtxClientOptions) {
    this.options = resolveOptions(options);
  }

  /** The rules this client checks a request against before sending it, for callers that build one. */
  get requestChecks(): LtxRequestCheckOptions {
    return this.options.requestChecks;
  }

  /** Generates the video; the body is returned unread so it can be streamed on (never buffered whole). */
  imageToVideo(request: LtxImageToVideoRequest, options: ImageToVideoOptions = {}): Promise<LtxVideo> {
    return this.withRetries(request, options, async (video) => video).then(({ result, attempts }) => ({ ...result, attempts }));
  }

  /**
   * Generates the video and hands it to `consume` (e.g. an upload) inside the retry loop, so that a
   * stream cut short is retried like any other transient failure. Errors from `consume` that are not
   * LTX's own are passed through unchanged.
   */
  async imageToVideoAndConsume<T>(
    request: LtxImageToVideoRequest,
    consume: (video: LtxVideo) => Promise<T>,
    options: ImageToVideoOptions = {},
  ): Promise<{ result: T; requestId: string; attempts: number }> {
    let requestId = '';
    const { result, attempts } = await this.withRetries(request, options, async (video) => {
      requestId = video.requestId;
      return consume(video);
    });
    return { result, requestId, attempts };
  }

  private async withRetries<T>(
    request: LtxImageToVideoRequest,
    options: ImageToVideoOptions,
    consume: (video: LtxVideo) => Promise<T>,
  ): Promise<{ result: T; attempts: number }> {
    const body = JSON.stringify(validateLtxRequest(request, this.options.requestChecks));
    const { retry, log } = this.options;
    let elapsedMs = 0;
    let previousError: UpstreamError | undefined;
    for (let attempt = 1; ; attempt++) {
      options.onAttempt?.({ attempt, maxAttempts: retry.maxAttempts, elapsedMs, ...(previousError ? { previousError } : {}) });
      const started = Date.now();
      const timeoutMs = Math.max(1_000, Math.min(this.options.requestTimeoutMs, retry.budgetMs - elapsedMs));
      try {
        const video = await this.attemptOnce(body, timeoutMs, options.signal, attempt);
        const result = await consume(video);
        return { result, attempts: attempt };
      } catch (err) {
        elapsedMs += Date.now() - started;
        if (options.signal?.aborted) throw options.signal.reason ?? err;
        if (!(err instanceof UpstreamError) || err.service !== 'ltx' || !err.retryable) throw err;
        previousError = err;
        if (attempt >= retry.maxAttempts) throw this.giveUp(err, attempt, elapsedMs, '');
        const fromHeader = err.retryAfterMs !== undefined;
        const delayMs = err.retryAfterMs ?? backoffDelayMs(attempt, retry.baseDelayMs, retry.maxDelayMs, this.options.random);
        if (elapsedMs + delayMs >= retry.budgetMs) {
          const why = `waiting ${seconds(delayMs)} more${fromHeader ? ' (Retry-After)' : ''} would pass the ${seconds(retry.budgetMs)} retry budget`;
          throw this.giveUp(err, attempt, elapsedMs, why);
        }
        log('warn', `LTX attempt ${attempt} of ${retry.maxAttempts} failed, retrying in ${delayMs} ms`, {
          error: err.message,
          status: err.status,
          code: err.code,
          retryAfterMs: err.retryAfterMs,
        });
        await this.options.sleep(delayMs, options.signal);
        elapsedMs += delayMs;
      }
    }
  }

  private giveUp(last: UpstreamError, attempts: number, elapsedMs: number, why: string): UpstreamError {
    const context = last.context as Partial<LtxErrorContext>;
    const kind = context.kind ?? 'LTX failed';
    const plural = attempts === 1 ? 'attempt' : 'attempts';
    const message = `${kind}: gave up after ${attempts} ${plural} over ${seconds(elapsedMs)}${why ? `: ${why}` : ''}; last: ${context.detail ?? last.message}`;
    return new UpstreamError('ltx', message, {
      // The cause is transient: a later replay of the job may well succeed.
      retryable: true,
      code: last.code,
      cause: last,
      ...(last.status === undefined ? {} : { status: last.status }),
      ...(last.retryAfterMs === undefined ? {} : { retryAfterMs: last.retryAfterMs }),
      context: { ...last.context, attempts, elapsedMs, gaveUp: true },
    });
  }

  private async attemptOnce(body: string, timeoutMs: number, callerSignal: AbortSignal | undefined, attempt: number): Promise<LtxVideo> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
    let response: Response;
    try {
      response = await this.options.fetch(this.options.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json', accept: 'video/mp4, application/json' },
        body,
        signal,
        redirect: 'error',
      });
    } catch (err) {
      clearTimeout(timer);
      if (callerSignal?.aborted) throw err;
      throw networkError(err, timedOut, timeoutMs);
    }
    const requestId = response.headers.get('x-request-id') ?? '';
    try {
      if (response.status !== 200) {
        const text = await response.text();
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
        throw errorFromLtxResponse(response.status, parseLtxErrorBody(text), retryAfterMs, requestId || undefined);
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (!contentType.toLowerCase().startsWith('video/mp4') || !response.body) {
        await response.body?.cancel();
        throw ltxError(`LTX answered 200 with content-type ${JSON.stringify(contentType)}, expected video/mp4. Check LTX_API_URL.`, {
          status: 200,
          retryable: false,
          code: 'unexpected_content_type',
          context: { kind: 'LTX answer unusable', detail: `content-type ${contentType}`, requestId },
        });
      }
      if (!requestId) this.options.log('warn', 'LTX answer has no x-request-id header', { attempt });
      const lengthHeader = response.headers.get('content-length');
      const contentLength = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
      clearTimeout(timer);
      const guarded = guardVideoStream(response.body, {
        contentLength,
        stallMs: this.options.requestTimeoutMs,
        abort: () => controller.abort(),
        requestId,
        isCallerAbort: () => callerSignal?.aborted === true,
      });
      this.options.log('info', 'LTX video answer received', { requestId, attempt, contentLength });
      return { body: guarded, requestId, attempts: attempt, ...(contentLength === undefined ? {} : { contentLength }) };
    } catch (err) {
      clearTimeout(timer);
      if (err instanceof UpstreamError) throw err;
      if (callerSignal?.aborted) throw err;
      // Reading an error body can fail too (connection dropped, timeout): transient.
      throw networkError(err, timedOut, timeoutMs);
    }
  }
}
