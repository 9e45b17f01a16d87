import { ConfigError } from '../shared/domain/errors';
import { loadConfig, type PipelineConfig } from '../shared/config';

/**
 * Where the operator's command line (`npx video-pipeline`) points: the local stack, through the
 * `stack.json` it writes when ready (in LOCAL_DATA_DIR, default `.local/`), unless
 * VIDEO_PIPELINE_TARGET=aws (or `--target aws`), in which case it reads the same variables as the
 * deployed handlers (BUCKET_NAME, SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY[_PARAM], EVENT_BUS_NAME, …)
 * and the AWS SDK's usual credentials.
 */
export type CliTarget = { kind: 'local'; stackFile: string } | { kind: 'aws'; config: PipelineConfig };

export function loadCliTarget(
  overrides: { target?: string; stackFile?: string } = {},
  env: Record<string, string | undefined> = process.env,
): CliTarget {
  const target = overrides.target ?? env.VIDEO_PIPELINE_TARGET ?? 'local';
  if (target === 'aws') return { kind: 'aws', config: loadConfig(env) };
  if (target !== 'local') throw new ConfigError(`target must be "local" or "aws" (got ${JSON.stringify(target)})`);
  return { kind: 'local', stackFile: overrides.stackFile ?? `${env.LOCAL_DATA_DIR || '.local'}/stack.json` };
}
