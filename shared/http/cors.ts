/**
 * CORS for the upload endpoint. In AWS the Function URL's own CORS settings take precedence (Lambda
 * overwrites these headers); the local stack relies on these.
 */
export function corsHeaders(allowedOrigins: readonly string[], origin: string | undefined): Record<string, string> {
  const allowAll = allowedOrigins.includes('*');
  if (!origin || (!allowAll && !allowedOrigins.includes(origin))) return {};
  return {
    'access-control-allow-origin': allowAll ? '*' : origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type, x-client-info, apikey',
    'access-control-max-age': '600',
    ...(allowAll ? {} : { vary: 'Origin' }),
  };
}
