import type { PipelineConfig } from '../config';
import type { ApiDeps } from '../http/api-app';
import { createUpload, ServiceCountCache } from '../pipeline/create-upload';
import { replayJob } from '../pipeline/replay-job';
import type { AccessTokenVerifier } from '../ports/access-token-verifier';
import type { DomainEvents } from '../ports/domain-events';
import type { JobStore } from '../ports/job-store';
import type { Logger } from '../ports/logger';
import type { ObjectStore } from '../ports/object-store';

/**
 * The web API's dependencies from the pipeline's clients: its routes call the pipeline's steps
 * through these, bound here once for the Lambda handler and the local stack alike.
 */
export function createApiDeps(clients: {
  store: ObjectStore;
  jobs: JobStore;
  events: DomainEvents;
  config: PipelineConfig;
  logger: Logger;
  verifyAccessToken: AccessTokenVerifier;
}): ApiDeps {
  const { store, jobs, events, config, logger, verifyAccessToken } = clients;
  const serviceCount = new ServiceCountCache();
  return {
    allowedOrigins: config.allowedOrigins,
    verifyAccessToken,
    logger,
    createUpload: (user, request) => createUpload({ store, jobs, config, serviceCount }, user, request),
    replayJob: (jobId, requester) => replayJob({ store, jobs, events, logger }, jobId, requester),
  };
}
