import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * The API's CORS policy, one definition for both places that answer it: in AWS the Function URL's
 * own CORS configuration (infra/upload-url.ts), which answers preflights without invoking the
 * function and overwrites these headers on answers; locally this app's `apiCors`. The web app sends
 * `authorization` and `content-type` only, so a browser refused in AWS is refused here too.
 */
export const API_CORS = {
  allowMethods: ['POST'],
  allowHeaders: ['authorization', 'content-type'],
  maxAgeSeconds: 86_400,
} as const;

/** CORS for the configured web origins (`*` allows any origin), answering preflights with 204. */
export function apiCors(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowAll = allowedOrigins.includes('*');
  return cors({
    origin: (origin) => (allowAll ? '*' : allowedOrigins.includes(origin) ? origin : null),
    allowMethods: [...API_CORS.allowMethods],
    allowHeaders: [...API_CORS.allowHeaders],
    maxAge: API_CORS.maxAgeSeconds,
  });
}
