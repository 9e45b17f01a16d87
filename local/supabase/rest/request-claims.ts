import type { IncomingMessage } from 'node:http';
import type { JwtClaims } from '../database/database';
import { headerValue } from '../http-io';
import { JwtError } from '../auth/jwt-keys';
import { PostgrestError } from './postgrest-error';

function unauthorized(code: string, message: string, details: string | null = null): PostgrestError {
  return new PostgrestError(401, code, message, details, null, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
}

/**
 * The claims a /rest/v1 request runs with: the `Authorization: Bearer` JWT, else the `apikey`
 * header's JWT (as Supabase's gateway forwards it). An `apikey` that is present must be valid too.
 * Expired: 401 PGRST303; missing, forged or malformed: 401 PGRST301.
 */
export async function claimsFromRequest(req: IncomingMessage, verifyJwt: (token: string) => Promise<JwtClaims>): Promise<JwtClaims> {
  const auth = headerValue(req, 'authorization');
  const apikey = headerValue(req, 'apikey');
  const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
  if (auth && !bearer) throw unauthorized('PGRST301', 'Authorization header must be "Bearer <JWT>"');
  if (!bearer && !apikey) throw unauthorized('PGRST301', 'No API key found in request', 'send the anon or service_role key in the "apikey" header, or a user JWT as "Authorization: Bearer <JWT>"');
  const check = async (token: string): Promise<JwtClaims> => {
    try {
      return await verifyJwt(token);
    } catch (err) {
      if (err instanceof JwtError) throw unauthorized(err.reason === 'expired' ? 'PGRST303' : 'PGRST301', err.message);
      throw err;
    }
  };
  if (apikey && apikey !== bearer) await check(apikey);
  return check(bearer ?? apikey ?? '');
}
