import type { PipelineConfig } from '../config';
import type { ApiDeps } from '../http/api-app';
import { createUpload, ServiceCountCache } from '../pipeline/create-upload';
import { finishRenderWebhook } from '../pipeline/finish-render-webhook';
import type { JobReporter } from '../pipeline/job-reporter';
import { replayJob } from '../pipeline/replay-job';
import type { RenderRecords } from '../ports/render-records';
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
  renders: RenderRecords;
  reporter: JobReporter;
  /** The secrets render webhooks are signed with (current first); none: the webhook route answers 503. */
  webhookSecrets: readonly string[];
}): ApiDeps {
  const { store, jobs, events, config, logger, verifyAccessToken, renders, reporter, webhookSecrets } = clients;
  const serviceCount = new ServiceCountCache();
  return {
    allowedOrigins: config.allowedOrigins,
    verifyAccessToken,
    logger,
    createUpload: (user, request) => createUpload({ store, jobs, config, serviceCount }, user, request),
    replayJob: (jobId, requester) => replayJob({ store, jobs, events, logger }, jobId, requester),
    renderWebhook: {
      secrets: webhookSecrets,
      finishRender: (webhook) => finishRenderWebhook({ store, jobs, renders, reporter, logger, config }, webhook),
    },
  };
}
