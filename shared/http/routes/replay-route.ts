import { Hono } from 'hono';
import { ValidationError } from '../../domain/errors';
import { isUuid } from '../../domain/keys';
import type { VideoJob } from '../../domain/video-job';
import type { ReplayRequester } from '../../pipeline/replay-job';
import type { AccessTokenVerifier } from '../../ports/access-token-verifier';
import type { ApiEnv } from '../api-env';
import { requireUser } from '../require-user';

export interface ReplayRouteDeps {
  verifyAccessToken: AccessTokenVerifier;
  /** Runs a failed job again (shared/pipeline/replay-job.ts). */
  replayJob(jobId: string, requester: ReplayRequester): Promise<VideoJob>;
}

/**
 * `POST /jobs/{jobId}/replay`: a signed-in user runs their own failed job again. 202 with the queued
 * job; 404 for a job that is not theirs; 409 when the job is not in a state that can be replayed.
 */
export function replayRoute(deps: ReplayRouteDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>().post('/jobs/:jobId/replay', requireUser(deps.verifyAccessToken), async (c) => {
    const user = c.get('user');
    const param = c.req.param('jobId');
    const jobId = isUuid(param) ? param : undefined;
    if (!jobId) throw new ValidationError('jobId', `jobId: must be a UUID (got ${JSON.stringify(param.slice(0, 80))})`);
    const job = await deps.replayJob(jobId, { requestedBy: user.userId, ownerId: user.userId });
    return c.json({ jobId: job.id, status: job.status }, 202);
  });
}
