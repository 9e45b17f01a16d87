import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../shared/domain/errors';
import { describeZodIssues } from '../shared/domain/format-zod-error';
import { loadConfig, type PipelineConfig } from '../shared/config';
import { loadCliTarget } from './cli-target';
import type { Logger } from '../shared/ports/logger';
import { createPipelineClients } from '../shared/composition/pipeline-clients';
import { createSqsClient, staticCredentials } from '../shared/composition/aws-clients';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineSupabaseClient } from '../shared/adapters/supabase/create-supabase-client';

/** What `.local/stack.json` must hold for the CLI (the local stack writes more). */
const stackInfoSchema = z.object({
  bucket: z.string().min(3),
  region: z.string().min(1),
  s3Endpoint: z.url(),
  s3AccessKeyId: z.string().min(1),
  s3SecretAccessKey: z.string().min(1),
  supabaseUrl: z.url(),
  supabaseServiceRoleKey: z.string().min(1),
  eventBridgeEndpoint: z.url(),
  eventBusName: z.string().min(1),
  mediaBaseUrl: z.url().optional(),
  sqsEndpoint: z.url().optional(),
  ltxQueueUrl: z.url().optional(),
  ltxDeadLetterQueueUrl: z.url().optional(),
  renderDeadLetterQueueUrl: z.url().optional(),
});

export interface CliContext {
  config: PipelineConfig;
  clients: Awaited<ReturnType<typeof createPipelineClients>>;
  /** The service-role client, for Realtime and the CLI's own reads. */
  realtime: PipelineSupabaseClient;
  describeTarget: string;
  logger: Logger;
  /** SQS, built on first use (only the dead-letter commands need it). */
  sqs(): SQSClient;
  close(): Promise<void>;
}

/** Builds the operator's clients for the configured target (local stack by default, AWS by configuration). */
export async function openCliContext(overrides: { target?: string; stackFile?: string }, logger: Logger): Promise<CliContext> {
  const target = loadCliTarget(overrides);
  let config: PipelineConfig;
  let describeTarget: string;
  if (target.kind === 'aws') {
    config = target.config;
    describeTarget = `AWS bucket ${config.bucket}`;
  } else {
    config = loadConfig(stackEnv(await readStackFile(target.stackFile)));
    describeTarget = `local stack (${target.stackFile})`;
  }
  const clients = await createPipelineClients(config, logger);
  // The pipeline's service-role client: its Realtime runs on the `ws` transport (Node 20 has no global WebSocket).
  const realtime = clients.supabase;
  let sqs: SQSClient | undefined;
  return {
    config,
    clients,
    realtime,
    describeTarget,
    logger,
    sqs: () => (sqs ??= createSqsClient({ region: config.region, endpoint: config.queues.endpoint, credentials: staticCredentials(config) })),
    close: async () => {
      sqs?.destroy();
      await realtime.removeAllChannels();
      realtime.realtime.disconnect();
      clients.s3.destroy();
    },
  };
}

async function readStackFile(file: string): Promise<z.infer<typeof stackInfoSchema>> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`${file} was not found: start the local stack first (npm start), or set VIDEO_PIPELINE_TARGET=aws to use AWS`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${file} is not valid JSON`);
  }
  const info = stackInfoSchema.safeParse(parsed);
  if (!info.success) throw new ConfigError(`${file}: ${describeZodIssues(info.error)}`);
  return info.data;
}

/** The local stack's endpoints as the pipeline's configuration variables. */
function stackEnv(info: z.infer<typeof stackInfoSchema>): Record<string, string> {
  return {
    AWS_REGION: info.region,
    BUCKET_NAME: info.bucket,
    S3_ENDPOINT: info.s3Endpoint,
    S3_ACCESS_KEY_ID: info.s3AccessKeyId,
    S3_SECRET_ACCESS_KEY: info.s3SecretAccessKey,
    SUPABASE_URL: info.supabaseUrl,
    SUPABASE_SERVICE_ROLE_KEY: info.supabaseServiceRoleKey,
    EVENTBRIDGE_ENDPOINT: info.eventBridgeEndpoint,
    EVENT_BUS_NAME: info.eventBusName,
    ...(info.mediaBaseUrl ? { PUBLIC_MEDIA_BASE_URL: info.mediaBaseUrl } : {}),
    ...(info.sqsEndpoint ? { SQS_ENDPOINT: info.sqsEndpoint } : {}),
    ...(info.ltxQueueUrl ? { LTX_QUEUE_URL: info.ltxQueueUrl } : {}),
    ...(info.ltxDeadLetterQueueUrl ? { LTX_DEAD_LETTER_QUEUE_URL: info.ltxDeadLetterQueueUrl } : {}),
    ...(info.renderDeadLetterQueueUrl ? { RENDER_DEAD_LETTER_QUEUE_URL: info.renderDeadLetterQueueUrl } : {}),
  };
}
