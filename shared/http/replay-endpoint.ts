import { corsHeaders } from './cors';
import { AuthError, JobStateError } from '../domain/errors';
import type { FunctionUrlEvent, FunctionUrlResult } from './function-url';
import { errorBody, errorResponse, json } from './http-response';
import { isUuid } from '../domain/keys';
import { JobNotFoundError, replayJob, type ReplayDeps } from '../pipeline/replay-job';
import type { SignedInUser } from '../ports/access-token-verifier';

export interface ReplayEndpointDeps extends ReplayDeps {
  verifyAccessToken: (token: string) => Promise<SignedInUser>;
  allowedOrigins: readonly string[];
}

const ROUTE = /^\/jobs\/([^/]+)\/replay\/?$/;

/** Whether a path is this endpoint's (`/jobs/{jobId}/replay`), for routers in front of it. */
export function isReplayPath(path: string): boolean {
  return ROUTE.test(path);
}

/**
 * `POST /jobs/{jobId}/replay` (and its CORS preflight): a signed-in user runs their own failed job
 * again. Answers 202 with the queued job; 404 for a job that is not theirs; 409 when the job is not
 * in a state that can be replayed.
 */
export async function handleReplayEndpoint(deps: ReplayEndpointDeps, event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  const headers = Object.fromEntries(Object.entries(event.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const cors = corsHeaders(deps.allowedOrigins, headers.origin);
  const method = event.requestContext.http.method.toUpperCase();
  const match = ROUTE.exec(event.rawPath);
  if (!match) return json(404, errorBody('not_found', `No route ${method} ${event.rawPath}; use POST /jobs/{jobId}/replay`), cors);
  if (method === 'OPTIONS') return { statusCode: 204, headers: cors };
  if (method !== 'POST') return json(405, errorBody('method_not_allowed', `${method} is not allowed here; use POST`), { ...cors, allow: 'POST, OPTIONS' });
  const jobId = decodeURIComponent(match[1]!);
  try {
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    if (!auth) throw new AuthError('Authorization: Bearer <Supabase access token> is required');
    const user = await deps.verifyAccessToken(auth[1]!);
    if (!isUuid(jobId)) return json(400, errorBody('invalid_request', `jobId: must be a UUID (got ${JSON.stringify(match[1]!.slice(0, 80))})`), cors);
    const job = await replayJob(deps, jobId, { requestedBy: user.userId, ownerId: user.userId });
    return json(202, { jobId: job.id, status: job.status }, cors);
  } catch (err) {
    deps.logger.log(err instanceof JobStateError || err instanceof AuthError ? 'info' : 'error', 'replay refused', { jobId, error: (err as Error).message });
    if (err instanceof JobNotFoundError) return json(404, errorBody('not_found', err.message), cors);
    if (err instanceof JobStateError) return json(409, errorBody('job_state', err.message), cors);
    return errorResponse(err, cors);
  }
}

