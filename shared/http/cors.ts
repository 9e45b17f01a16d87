import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { API_CORS } from '../domain/api-cors-policy';

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
