import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';

/**
 * Where Terraform keeps the stack's state. A backend block cannot read Terraform variables, so it is
 * chosen when the stack is synthesized, from the environment of `npm run synth` / `npm run deploy`:
 *
 *   TF_STATE_BUCKET       an S3 bucket (versioning on) for the state: selects the S3 backend
 *   TF_STATE_KEY          the state's key in it (default `villa-video-pipeline/terraform.tfstate`)
 *   TF_STATE_REGION       the bucket's region (default AWS_REGION, else us-east-1)
 *   TF_STATE_LOCK_TABLE   a DynamoDB table for locking; unset, Terraform's S3-native lock file
 *                         (`use_lockfile`, Terraform >= 1.10 / OpenTofu >= 1.10) locks the state
 *
 * Without TF_STATE_BUCKET the state stays local, at the project root, named by a path relative to
 * the directory Terraform runs in (cdktf.out/stacks/<stack>/): cdktf's own default is an absolute
 * path of the machine that ran synth, which breaks on every other machine and leaks the path.
 * `npm run deploy:check` says when the state is local.
 */
export type StateBackendSettings =
  | { kind: 's3'; bucket: string; key: string; region: string; lockTable: string | undefined }
  | { kind: 'local'; path: string };

export const DEFAULT_STATE_KEY = 'villa-video-pipeline/terraform.tfstate';

/** S3 bucket names: 3-63 characters, lower case, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function stateBackendFromEnv(env: Record<string, string | undefined>, stackId: string): StateBackendSettings {
  const bucket = env.TF_STATE_BUCKET?.trim();
  if (!bucket) return { kind: 'local', path: `../../../terraform.${stackId}.tfstate` };
  if (!BUCKET_NAME.test(bucket)) throw new Error(`TF_STATE_BUCKET must be an S3 bucket name (3-63 of a-z 0-9 . -), got "${bucket}"`);
  const key = env.TF_STATE_KEY?.trim() || DEFAULT_STATE_KEY;
  if (key.startsWith('/') || key.endsWith('/')) throw new Error(`TF_STATE_KEY must be an object key without a leading or trailing "/", got "${key}"`);
  const region = env.TF_STATE_REGION?.trim() || env.AWS_REGION?.trim() || 'us-east-1';
  const lockTable = env.TF_STATE_LOCK_TABLE?.trim() || undefined;
  return { kind: 's3', bucket, key, region, lockTable };
}

export function applyStateBackend(stack: TerraformStack, settings: StateBackendSettings): void {
  if (settings.kind === 'local') {
    new LocalBackend(stack, { path: settings.path });
    return;
  }
  new S3Backend(stack, {
    bucket: settings.bucket,
    key: settings.key,
    region: settings.region,
    encrypt: true,
    ...(settings.lockTable ? { dynamodbTable: settings.lockTable } : {}),
  });
  // The bindings predate S3-native locking; Terraform reads the attribute from the JSON all the same.
  if (!settings.lockTable) stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
