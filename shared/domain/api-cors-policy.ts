/**
 * The API's CORS policy, one definition for both places that answer it: in AWS the Function URL's
 * own CORS configuration (infra/api-url.ts), which answers preflights without invoking the
 * function and overwrites these headers on answers; locally the API's `apiCors` (shared/http/cors.ts). The web app sends
 * `authorization` and `content-type` only, so a browser refused in AWS is refused here too.
 */
export const API_CORS = {
  allowMethods: ['POST'],
  allowHeaders: ['authorization', 'content-type'],
  maxAgeSeconds: 86_400,
} as const;
