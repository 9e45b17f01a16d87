import type { MiddlewareHandler } from 'hono';
import { ValidationError } from '../domain/errors';
import type { ApiEnv } from './api-env';
import { ApiError } from './api-error';

/**
 * The step that validates a JSON body before the handler sees it: at most `maxBytes`, valid JSON,
 * then the domain's own parser (which takes `unknown` and throws a ValidationError naming the
 * field). The handler reads the typed result with `c.req.valid('json')`. Any content type is read
 * as JSON, as the endpoint always has: a client that forgets the header still gets field errors.
 */
export function jsonBody<T>(
  parse: (body: unknown) => T,
  options: { maxBytes: number },
): MiddlewareHandler<ApiEnv, string, { in: { json: unknown }; out: { json: T } }> {
  return async (c, next) => {
    const raw = await c.req.text();
    const bytes = Buffer.byteLength(raw);
    if (bytes > options.maxBytes) {
      throw new ApiError(413, 'payload_too_large', `The request body is ${bytes} bytes; the limit is ${options.maxBytes}.`);
    }
    if (!raw.trim()) throw new ValidationError('body', 'body: a JSON object is required (got an empty body)');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ValidationError('body', 'body: must be valid JSON');
    }
    c.req.addValidatedData('json', parse(body) as object);
    await next();
  };
}
