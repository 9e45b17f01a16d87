import { S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PipelineConfig } from '../config';
import { EventBridgeDomainEvents } from '../adapters/eventbridge-domain-events';
import { JobReporter } from '../pipeline/job-reporter';
import type { Logger } from '../ports/logger';
import { resolveSecret } from '../adapters/resolve-secret';
import { S3ObjectStore } from '../adapters/s3-object-store';
import { SupabaseJobStore } from '../adapters/supabase/supabase-job-store';
import { LtxClient } from '../adapters/ltx/ltx-client';
import { LtxVideoGenerator } from '../adapters/ltx/ltx-video-generator';
import { createAccessTokenVerifier } from '../adapters/verify-access-token';
import { ConfigError } from '../domain/errors';
import { createSupabaseClient } from '../adapters/supabase/create-supabase-client';

/**
 * Builds the real clients from configuration: what every handler needs, created once per cold start.
 * Tests and the local stack call the same function with their own configuration.
 */
export async function createPipelineClients(config: PipelineConfig, logger: Logger) {
  const credentials =
    config.s3.accessKeyId && config.s3.secretAccessKey ? { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey } : undefined;
  const s3 = new S3Client({
    region: config.region,
    endpoint: config.s3.endpoint,
    forcePathStyle: Boolean(config.s3.endpoint),
    credentials,
    // S3-compatible servers (the local stack's included) do not decode aws-chunked bodies with
    // trailing checksums, the SDK's default for streamed uploads; AWS itself keeps the default.
    ...(config.s3.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
  });
  const store = new S3ObjectStore({ bucket: config.bucket, client: s3 });
  const serviceRoleKey = await resolveSecret(config.supabase.serviceRoleKey, config.region);
  const supabase = createSupabaseClient(config.supabase.url, serviceRoleKey);
  const jobs = new SupabaseJobStore(supabase);
  const eventBridge = new EventBridgeClient({
    region: config.region,
    endpoint: config.eventBus.endpoint,
    ...(config.eventBus.endpoint ? { credentials: credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const events = new EventBridgeDomainEvents(eventBridge, config.eventBus.name, logger);
  const reporter = new JobReporter(jobs, events, logger);
  return { s3, store, supabase, jobs, events, reporter };
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
