import { corsHeaders } from './cors';
import { createUpload, type CreateUploadDeps } from '../pipeline/create-upload';
import { AuthError, ValidationError } from '../domain/errors';
import type { FunctionUrlEvent, FunctionUrlResult } from './function-url';
import { errorBody, errorResponse, json } from './http-response';
import type { Logger } from '../ports/logger';
import { parseUploadRequest } from '../domain/upload-request';
import type { SignedInUser } from '../ports/access-token-verifier';

/** A job request is a few hundred bytes; anything near this is not one. */
export const MAX_UPLOAD_REQUEST_BYTES = 16 * 1024;

export interface UploadEndpointDeps extends CreateUploadDeps {
  verifyAccessToken: (token: string) => Promise<SignedInUser>;
  allowedOrigins: readonly string[];
  logger: Logger;
}

/** `POST /uploads` (and its CORS preflight), as a Function URL handler body. */
export async function handleUploadEndpoint(deps: UploadEndpointDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  const headers = lowerCaseHeaders(event.headers);
  const cors = corsHeaders(deps.allowedOrigins, headers.origin);
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath.replace(/\/+$/, '');
  if (path !== '/uploads') return json(404, errorBody('not_found', `No route ${method} ${event.rawPath}; use POST /uploads`), cors);
  if (method === 'OPTIONS') return { statusCode: 204, headers: cors };
  if (method !== 'POST') return json(405, errorBody('method_not_allowed', `${method} is not allowed on /uploads; use POST`), { ...cors, allow: 'POST, OPTIONS' });

  try {
    const user = await deps.verifyAccessToken(bearerToken(headers.authorization));
    const request = parseUploadRequest(parseJsonBody(event));
    const ticket = await createUpload(deps, user, request);
    deps.logger.log('info', 'upload signed', { jobId: ticket.jobId, userId: user.userId, size: request.size, contentType: request.contentType });
    return json(201, ticket, cors);
  } catch (err) {
    const level = err instanceof ValidationError || err instanceof AuthError ? 'info' : 'error';
    deps.logger.log(level, 'upload refused', { error: (err as Error).message, code: (err as { code?: string }).code });
    if (err instanceof PayloadTooLarge) return json(413, errorBody('payload_too_large', err.message), cors);
    return errorResponse(err, cors);
  }
}

class PayloadTooLarge extends Error {}

function lowerCaseHeaders(h: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw new AuthError('Authorization: Bearer <Supabase access token> is required');
  return match[1]!;
}

function parseJsonBody(event: FunctionUrlEvent): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw) > MAX_UPLOAD_REQUEST_BYTES) {
    throw new PayloadTooLarge(`The request body is ${Buffer.byteLength(raw)} bytes; the limit is ${MAX_UPLOAD_REQUEST_BYTES}.`);
  }
  if (!raw.trim()) throw new ValidationError('body', 'body: a JSON object is required (got an empty body)');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ValidationError('body', 'body: must be valid JSON');
  }
}
