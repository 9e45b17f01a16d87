/**
 * One error hierarchy for the pipeline. Every error carries a stable `code` and optional context;
 * `isRetryable` is the single place that decides between "try again" and "record a failure".
 */
export class PipelineError extends Error {
  readonly code: string;
  readonly context: Record<string, unknown>;
  constructor(code: string, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options.context ?? {};
  }
}

/** Input from outside (HTTP body, event, object bytes, metadata) is not acceptable. Never retried. */
export class ValidationError extends PipelineError {
  readonly field: string;
  constructor(field: string, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super('invalid_input', message, options);
    this.field = field;
  }
}

/** The caller is not who it must be (missing, forged or expired token). */
export class AuthError extends PipelineError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('unauthorized', message, options);
  }
}

/** The caller asked for more than a quota allows: theirs (`quota_exceeded`) or the service's (`service_daily_limit`). */
export class QuotaExceededError extends PipelineError {
  constructor(message: string, context: Record<string, unknown> = {}, code: 'quota_exceeded' | 'service_daily_limit' = 'quota_exceeded') {
    super(code, message, { context });
  }
}

/** The caller is known but may not do this here (an anonymous visitor where anonymous jobs are off). */
export class ForbiddenError extends PipelineError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** A job is not in a state that allows the requested step (claimed already, finished, unknown). */
export class JobStateError extends PipelineError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('job_state', message, { context });
  }
}

/** An outside service failed. `retryable` is decided where the failure is understood (status code, error type). */
export class UpstreamError extends PipelineError {
  readonly service: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    service: string,
    message: string,
    options: { status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown; code?: string; context?: Record<string, unknown> },
  ) {
    super(options.code ?? 'upstream_error', message, options);
    this.service = service;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Configuration is missing or malformed: a deployment problem, never retried. */
export class ConfigError extends PipelineError {
  constructor(message: string) {
    super('config_error', message);
  }
}

/**
 * Whether an error is worth another attempt. Anything we cannot classify (a network error, a timeout,
 * an SDK's own error, a crash of our code) is treated as transient: the job's attempt budget bounds
 * what a permanent one costs.
 */
export function isRetryable(err: unknown): boolean {
  // Bad input, bad auth, bad config and impossible state transitions fail the same way every time.
  if (err instanceof ValidationError || err instanceof AuthError || err instanceof ConfigError) return false;
  if (err instanceof QuotaExceededError || err instanceof JobStateError || err instanceof ForbiddenError) return false;
  // The service told us whether it was transient (429/5xx/timeouts) or not (4xx content refusals).
  if (err instanceof UpstreamError) return err.retryable;
  return true;
}

/** A message fit for a user: the error's own message, without stack or internals. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
