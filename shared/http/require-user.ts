import type { MiddlewareHandler } from 'hono';
import { AuthError } from '../domain/errors';
import type { AccessTokenVerifier } from '../ports/access-token-verifier';
import type { ApiEnv } from './api-env';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The step in front of every route a signed-in user calls: `Authorization: Bearer <Supabase access
 * token>`, verified, becomes `c.get('user')`. A missing or bad token is a 401 (AuthError).
 */
export function requireUser(verifyAccessToken: AccessTokenVerifier): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) throw new AuthError('Authorization: Bearer <Supabase access token> is required');
    c.set('user', await verifyAccessToken(token));
    await next();
  };
}
