import type { IncomingMessage, ServerResponse } from 'node:http';

/** The headers Supabase's gateway allows and exposes, so supabase-js works from any page. */
const ALLOW_HEADERS =
  'authorization, x-client-info, apikey, content-type, prefer, range, range-unit, accept-profile, content-profile, ' +
  'x-supabase-api-version, x-retry-count';
const EXPOSE_HEADERS = 'Content-Range, Content-Location, Preference-Applied, Range-Unit, X-Supabase-Api-Version';

export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
}

/** Answers a CORS preflight; returns true when it did. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? ALLOW_HEADERS,
    'Access-Control-Max-Age': '86400',
  });
  res.end();
  return true;
}
