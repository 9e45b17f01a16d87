import type { PipelineConfig } from '../config';
import { EventBridgeDomainEvents } from '../adapters/eventbridge-domain-events';
import { JobReporter } from '../pipeline/job-reporter';
import type { Logger } from '../ports/logger';
import { resolveSecret } from '../adapters/resolve-secret';
import { S3ObjectStore } from '../adapters/s3-object-store';
import { SupabaseJobStore } from '../adapters/supabase/supabase-job-store';
import { SupabaseRenderRecords } from '../adapters/supabase/supabase-render-records';
import { LtxClient } from '../adapters/ltx/ltx-client';
import { LtxVideoGenerator } from '../adapters/ltx/ltx-video-generator';
import { createAccessTokenVerifier } from '../adapters/verify-access-token';
import { ConfigError } from '../domain/errors';
import { createSupabaseClient } from '../adapters/supabase/create-supabase-client';
import { createEventBridgeClient, createS3Client, staticCredentials } from './aws-clients';

/**
 * Builds the real clients from configuration: what every handler needs, created once per cold start.
 * Tests and the local stack call the same function with their own configuration.
 */
export async function createPipelineClients(config: PipelineConfig, logger: Logger) {
  // One client configuration for AWS and the local stack: only endpoints and credentials differ.
  const credentials = staticCredentials(config);
  const s3 = createS3Client({ region: config.region, endpoint: config.s3.endpoint, credentials });
  const store = new S3ObjectStore({ bucket: config.bucket, client: s3 });
  const serviceRoleKey = await resolveSecret(config.supabase.serviceRoleKey, config.region);
  const supabase = createSupabaseClient(config.supabase.url, serviceRoleKey);
  const jobs = new SupabaseJobStore(supabase);
  const renders = new SupabaseRenderRecords(supabase);
  const eventBridge = createEventBridgeClient({ region: config.region, endpoint: config.eventBus.endpoint, credentials });
  const events = new EventBridgeDomainEvents(eventBridge, config.eventBus.name, logger);
  const reporter = new JobReporter(jobs, events, logger);
  return { s3, store, supabase, jobs, renders, events, reporter };
}

export async function createVideoGenerator(config: PipelineConfig, logger: Logger): Promise<LtxVideoGenerator> {
  if (!config.ltx.apiKey) throw new ConfigError('LTX_API_KEY (or LTX_API_KEY_PARAM) is required');
  const apiKey = await resolveSecret(config.ltx.apiKey, config.region);
  return new LtxVideoGenerator(
    new LtxClient({
      apiUrl: config.ltx.apiUrl,
      apiKey,
      requestTimeoutMs: config.ltx.timeoutMs,
      log: (level, message, context) => logger.log(level, message, context),
    }),
  );
}

export async function createTokenVerifier(config: PipelineConfig) {
  const jwtSecret = config.supabase.jwtSecret ? await resolveSecret(config.supabase.jwtSecret, config.region) : undefined;
  return createAccessTokenVerifier({ jwtSecret, jwksUrl: config.supabase.jwksUrl, issuer: config.supabase.issuer });
}

/** The secret that signs render webhooks, resolved (SSM in AWS); null when none is configured. */
export async function resolveWebhookSecret(config: PipelineConfig): Promise<string | null> {
  return config.renderWebhook.secret ? resolveSecret(config.renderWebhook.secret, config.region) : null;
}
