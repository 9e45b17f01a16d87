import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JwtClaims } from '../database/database';
import type { AuthRateLimiter } from './auth-rate-limits';
import { AuthStore, type AuthUser } from './auth-store';
import { AUTH_API_VERSION, GoTrueError } from './gotrue-error';
import { BodyTooLargeError, headerValue, readBody, sendJson } from '../http-io';
import { JwtError, type JwtKeys } from './jwt-keys';
import { hashPassword, verifyPassword } from './password-hash';

export interface AuthRouterDeps {
  store: AuthStore;
  keys: JwtKeys;
  /** e.g. http://127.0.0.1:54321 (the `iss` claim is this plus /auth/v1). */
  baseUrl: () => string;
  maxBodyBytes: number;
  /** GoTrue's per-IP limits on sign-ups, anonymous sign-ins and token grants. */
  limits: AuthRateLimiter;
  log: (line: string) => void;
}

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 6;
const MAX_PASSWORD = 72;

type Body = Record<string, unknown>;

async function readJsonObject(req: IncomingMessage, limit: number): Promise<Body> {
  const text = await readBody(req, limit);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new GoTrueError(400, 'bad_json', `Could not parse request body as JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GoTrueError(400, 'bad_json', 'Request body must be a JSON object');
  return parsed as Body;
}

function optionalString(body: Body, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new GoTrueError(400, 'validation_failed', `"${field}" must be a string, received ${typeof v}`);
  return v;
}

function checkEmail(email: string): string {
  if (email.length > 255 || !EMAIL.test(email)) throw new GoTrueError(400, 'validation_failed', `Unable to validate email address: invalid format (received "${email.slice(0, 80)}")`);
  return email.toLowerCase();
}

function checkPassword(password: string | undefined): string {
  if (password === undefined) throw new GoTrueError(422, 'validation_failed', 'Signup requires a valid password');
  if (password.length < MIN_PASSWORD) throw new GoTrueError(422, 'weak_password', `Password should be at least ${MIN_PASSWORD} characters.`);
  if (password.length > MAX_PASSWORD) throw new GoTrueError(422, 'validation_failed', `Password cannot be longer than ${MAX_PASSWORD} characters (received ${password.length})`);
  return password;
}

/** Handles everything under /auth/v1 in GoTrue's wire format (what @supabase/auth-js sends). */
export function createAuthRouter(deps: AuthRouterDeps) {
  async function session(user: AuthUser, sessionId: string, refreshToken: string, method: string): Promise<Body> {
    const now = Math.floor(Date.now() / 1000);
    const claims: JwtClaims = {
      iss: `${deps.baseUrl()}/auth/v1`,
      aud: 'authenticated',
      sub: user.id,
      email: user.email,
      phone: '',
      app_metadata: user.app_metadata,
      user_metadata: user.user_metadata,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method, timestamp: now }],
      session_id: sessionId,
      is_anonymous: user.is_anonymous,
    };
    const accessToken = await deps.keys.signAccessToken(claims, ACCESS_TOKEN_TTL_SECONDS);
    return { access_token: accessToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS, expires_at: now + ACCESS_TOKEN_TTL_SECONDS, refresh_token: refreshToken, user };
  }

  /** As GoTrue: the body is parsed, then the anonymous or the sign-up limit applies, then the fields are checked. */
  async function signup(body: Body, ip: string): Promise<Body> {
    const anonymous = (body.email === undefined || body.email === null || body.email === '') && (body.phone === undefined || body.phone === null || body.phone === '');
    if (anonymous) deps.limits.anonymousSignIn(ip);
    else deps.limits.signup(ip);
    const email = optionalString(body, 'email');
    const password = optionalString(body, 'password');
    const data = body.data ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new GoTrueError(400, 'validation_failed', '"data" must be a JSON object');
    if (optionalString(body, 'phone') !== undefined) throw new GoTrueError(400, 'phone_provider_disabled', 'Phone signups are disabled');
    if (email === undefined) {
      if (password !== undefined) throw new GoTrueError(400, 'validation_failed', 'Anonymous sign-ins cannot have a password; send an email to sign up');
      const user = await deps.store.createUser({ metadata: data as Body });
      const s = await deps.store.createSession(user.id);
      return session(user, s.sessionId, s.refreshToken, 'anonymous');
    }
    const user = await deps.store.createUser({ email: checkEmail(email), passwordHash: await hashPassword(checkPassword(password)), metadata: data as Body });
    const s = await deps.store.createSession(user.id);
    return session(user, s.sessionId, s.refreshToken, 'password');
  }

  async function token(grantType: string | null, body: Body, ip: string): Promise<Body> {
    if (grantType === 'password' || grantType === 'refresh_token') deps.limits.token(ip);
    if (grantType === 'password') {
      const email = optionalString(body, 'email');
      const password = optionalString(body, 'password');
      if (email === undefined || password === undefined) throw new GoTrueError(400, 'validation_failed', 'Sign in with a password needs "email" and "password"');
      const found = await deps.store.findByEmail(email);
      // Same answer for an unknown email and a wrong password: no account probing.
      if (!found || found.passwordHash === null || !(await verifyPassword(password, found.passwordHash))) {
        throw new GoTrueError(400, 'invalid_credentials', 'Invalid login credentials');
      }
      await deps.store.touchSignIn(found.user.id);
      const s = await deps.store.createSession(found.user.id);
      return session(found.user, s.sessionId, s.refreshToken, 'password');
    }
    if (grantType === 'refresh_token') {
      const refresh = optionalString(body, 'refresh_token');
      if (refresh === undefined) throw new GoTrueError(400, 'validation_failed', '"refresh_token" is required');
      const rotated = await deps.store.rotateRefreshToken(refresh);
      const user = await deps.store.findById(rotated.userId);
      if (!user) throw new GoTrueError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      return session(user, rotated.sessionId, rotated.refreshToken, user.is_anonymous ? 'anonymous' : 'password');
    }
    throw new GoTrueError(400, 'validation_failed', `grant_type must be password or refresh_token, received "${grantType ?? ''}"`);
  }

  /** The user behind `Authorization: Bearer`, checking its session still exists (logout ends it). */
  async function bearerUser(req: IncomingMessage): Promise<{ user: AuthUser; claims: JwtClaims }> {
    const auth = headerValue(req, 'authorization');
    const tokenText = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
    if (!tokenText) throw new GoTrueError(401, 'no_authorization', 'This endpoint requires a Bearer token');
    let claims: JwtClaims;
    try {
      claims = await deps.keys.verifyJwt(tokenText);
    } catch (err) {
      if (err instanceof JwtError) throw new GoTrueError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${err.message}`);
      throw err;
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new GoTrueError(403, 'bad_jwt', 'invalid claim: missing sub claim');
    const user = await deps.store.findById(claims.sub);
    if (!user) throw new GoTrueError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    if (typeof claims.session_id === 'string' && !(await deps.store.sessionExists(claims.session_id))) {
      throw new GoTrueError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    }
    return { user, claims };
  }

  async function route(req: IncomingMessage, res: ServerResponse, subpath: string, params: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    const send = (status: number, body: unknown): void => sendJson(res, status, body, { 'X-Supabase-Api-Version': AUTH_API_VERSION });
    const path = subpath.replace(/\/+$/, '') || '/';
    if (method === 'GET' && path === '/health') return send(200, { version: 'local', name: 'GoTrue', description: 'local GoTrue-compatible auth' });
    if (method === 'GET' && path === '/settings') {
      return send(200, { external: { email: true, phone: false, anonymous_users: true }, disable_signup: false, mailer_autoconfirm: true, phone_autoconfirm: false, sms_provider: '' });
    }
    if (method === 'GET' && path === '/.well-known/jwks.json') return send(200, deps.keys.jwks());
    const ip = req.socket.remoteAddress ?? 'unknown';
    if (method === 'POST' && path === '/signup') return send(200, await signup(await readJsonObject(req, deps.maxBodyBytes), ip));
    if (method === 'POST' && path === '/token') return send(200, await token(params.get('grant_type'), await readJsonObject(req, deps.maxBodyBytes), ip));
    if (method === 'GET' && path === '/user') return send(200, (await bearerUser(req)).user);
    if (method === 'POST' && path === '/logout') {
      const { user, claims } = await bearerUser(req);
      const scope = params.get('scope') ?? 'global';
      if (scope !== 'global' && scope !== 'local' && scope !== 'others') throw new GoTrueError(400, 'validation_failed', `scope must be global, local or others, received "${scope}"`);
      await deps.store.signOut(user.id, typeof claims.session_id === 'string' ? claims.session_id : '00000000-0000-0000-0000-000000000000', scope);
      res.writeHead(204, { 'X-Supabase-Api-Version': AUTH_API_VERSION });
      res.end();
      return;
    }
    throw new GoTrueError(404, 'not_found', `${method} /auth/v1${path} is not supported by the local auth server`);
  }

  return async function handleAuth(req: IncomingMessage, res: ServerResponse, subpath: string, params: URLSearchParams): Promise<void> {
    try {
      await route(req, res, subpath, params);
    } catch (err) {
      const error =
        err instanceof GoTrueError
          ? err
          : err instanceof BodyTooLargeError
            ? new GoTrueError(413, 'request_too_large', `Request body exceeds ${err.limit} bytes (received at least ${err.received})`)
            : new GoTrueError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information');
      if (error.status >= 500) deps.log(`auth ${req.method} ${subpath}: ${(err as Error).message}`);
      if (err instanceof BodyTooLargeError) res.setHeader('Connection', 'close');
      sendJson(res, error.status, error.toJSON(), { 'X-Supabase-Api-Version': AUTH_API_VERSION });
    }
  };
}
