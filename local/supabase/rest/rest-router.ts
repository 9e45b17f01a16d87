import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database, JwtClaims } from '../database/database';
import { BodyTooLargeError, readBody, sendJson, sendText } from '../http-io';
import { PostgrestError, toPostgrestError } from './postgrest-error';
import { claimsFromRequest } from './request-claims';
import { readRows } from './rest-read';
import type { RestResponse } from './rest-response';
import { putRow } from './rest-put';
import { callFunction } from './rest-rpc';
import { deleteRows, insertRows, updateRows } from './rest-write';
import type { SchemaCache } from './schema-cache';
import { UnknownRoleError } from '../database/request-settings';

export interface RestRouterDeps {
  db: Database;
  cache: SchemaCache;
  verifyJwt: (token: string) => Promise<JwtClaims>;
  maxBodyBytes: number;
  log: (line: string) => void;
}

/** Handles everything under /rest/v1 (`subpath` is what follows it, e.g. `/video_jobs`). */
export function createRestRouter(deps: RestRouterDeps) {
  return async function handleRest(req: IncomingMessage, res: ServerResponse, subpath: string, params: URLSearchParams): Promise<void> {
    let role = 'anon';
    try {
      const claims = await claimsFromRequest(req, deps.verifyJwt);
      role = claims.role;
      const response = await dispatch(deps, req, subpath, params, claims);
      sendText(res, response.status, response.body, response.headers, response.contentType, req.method === 'HEAD');
    } catch (err) {
      const error =
        err instanceof BodyTooLargeError
          ? new PostgrestError(413, 'PGRST413', `Payload too large: the request body exceeds ${err.limit} bytes`, `received at least ${err.received} bytes`)
          : err instanceof UnknownRoleError
            ? new PostgrestError(401, 'PGRST301', err.message)
            : toPostgrestError(err, role);
      if (error.status >= 500) deps.log(`rest ${req.method} ${subpath}: ${error.code} ${error.message} ${error.details ?? ''}`);
      if (err instanceof BodyTooLargeError) res.setHeader('Connection', 'close');
      sendJson(res, error.status, req.method === 'HEAD' ? undefined : error.toJSON(), error.headers);
    }
  };
}

async function dispatch(deps: RestRouterDeps, req: IncomingMessage, subpath: string, params: URLSearchParams, claims: JwtClaims): Promise<RestResponse> {
  const method = req.method ?? 'GET';
  const segments = subpath.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments.length === 0) return { status: 200, body: JSON.stringify({ swagger: '2.0', info: { title: 'local Supabase REST (PostgREST dialect)' }, paths: {} }), headers: {} };
  const body = method === 'POST' || method === 'PATCH' || method === 'PUT' ? await readBody(req, deps.maxBodyBytes) : undefined;
  try {
    return await route(deps, req, segments, subpath, params, claims, body);
  } catch (err) {
    // A table, column, function or relationship made after the cache was loaded: reload once and retry.
    if (err instanceof PostgrestError && SCHEMA_MISSES.has(err.code) && (await deps.cache.reloadAfterMiss())) {
      return route(deps, req, segments, subpath, params, claims, body);
    }
    throw err;
  }
}

/** Codes a stale schema cache can cause (42703 is also ours, for a column absent from the cache). */
const SCHEMA_MISSES = new Set(['42703', 'PGRST200', 'PGRST202', 'PGRST204', 'PGRST205']);

async function route(deps: RestRouterDeps, req: IncomingMessage, segments: string[], subpath: string, params: URLSearchParams, claims: JwtClaims, body: string | undefined): Promise<RestResponse> {
  const method = req.method ?? 'GET';
  if (segments.length === 2 && segments[0] === 'rpc') {
    const fn = segments[1] ?? '';
    if (method === 'POST') return callFunction(deps, req, fn, params, body ?? '', claims);
    if (method === 'GET' || method === 'HEAD') return callFunction(deps, req, fn, params, undefined, claims);
    throw methodNotAllowed(method, 'GET, HEAD, POST');
  }
  if (segments.length !== 1) throw new PostgrestError(404, 'PGRST125', `Invalid path specified in request URL: /rest/v1${subpath}`);
  const table = segments[0] ?? '';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return readRows(deps, req, table, params, claims);
    case 'POST':
      return insertRows(deps, req, table, params, body ?? '', claims);
    case 'PATCH':
      return updateRows(deps, req, table, params, body ?? '', claims);
    case 'PUT':
      return putRow(deps, req, table, params, body ?? '', claims);
    case 'DELETE':
      return deleteRows(deps, req, table, params, claims);
    default:
      throw methodNotAllowed(method, 'GET, HEAD, POST, PUT, PATCH, DELETE');
  }
}

function methodNotAllowed(method: string, allowed: string): PostgrestError {
  return new PostgrestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`, `allowed: ${allowed}`, null, { Allow: allowed });
}
