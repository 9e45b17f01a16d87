import { OUTSIDE_DEFAULTS } from '../inputs';
import { REMOTION_FUNCTION_NAME_PREFIX, REMOTION_VERSION } from '../remotion-version';
import type { StateBackendSettings } from '../state-backend';

/**
 * `npm run deploy:check`: every prerequisite of `cdktf deploy` that lives outside the stack, checked
 * with read-only AWS calls before anything is applied, each with the command that fixes it. What it
 * checks is what would otherwise fail late: a missing SecureString (the functions fail at cold
 * start), a missing Remotion role (the bucket policy's "Invalid principal"), a Remotion function of
 * another version (every render fails), a site that was never deployed, a state bucket that is not there.
 */

/** The read-only AWS calls the checks make (scripts/deploy-check.ts implements them with the AWS SDK). */
export interface PreflightReader {
  /** sts:GetCallerIdentity. */
  accountId(): Promise<string>;
  /** ssm:GetParameter without decryption: the parameter's type, or null when there is none. */
  parameterType(name: string): Promise<string | null>;
  /** iam:GetRole: the role's ARN, or null. */
  roleArn(name: string): Promise<string | null>;
  /** lambda:GetFunction: the ARN of the role the function runs as, or null when there is no such function. */
  functionRoleArn(name: string): Promise<string | null>;
  /** s3:HeadObject. */
  objectExists(bucket: string, key: string): Promise<boolean>;
  /** s3:HeadBucket. */
  bucketExists(bucket: string): Promise<boolean>;
}

/** The deployment's inputs the checks need, read from the same TF_VAR_* variables Terraform reads. */
export interface PreflightInputs {
  region: string;
  supabaseUrl: string | undefined;
  secretParams: Array<{ variable: string; name: string; optional: boolean; what: string }>;
  remotionRoleName: string;
  remotionFunctionName: string;
  remotionServeUrl: string;
  stateBackend: StateBackendSettings;
}

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  /** What to run or change, for a warn or a fail. */
  fix?: string;
}

export function preflightInputsFromEnv(env: Record<string, string | undefined>, stateBackend: StateBackendSettings): PreflightInputs {
  const v = (name: string, fallback: string) => env[`TF_VAR_${name}`] ?? fallback;
  return {
    region: v('region', env.AWS_REGION ?? OUTSIDE_DEFAULTS.region),
    supabaseUrl: env.TF_VAR_supabase_url,
    secretParams: [
      { variable: 'supabase_service_role_key_param', name: v('supabase_service_role_key_param', OUTSIDE_DEFAULTS.supabaseServiceRoleKeyParam), optional: false, what: "the Supabase service_role key" },
      { variable: 'supabase_jwt_secret_param', name: v('supabase_jwt_secret_param', OUTSIDE_DEFAULTS.supabaseJwtSecretParam), optional: true, what: 'the Supabase legacy JWT secret' },
      { variable: 'ltx_api_key_param', name: v('ltx_api_key_param', OUTSIDE_DEFAULTS.ltxApiKeyParam), optional: false, what: 'the LTX API key' },
      { variable: 'remotion_webhook_secret_param', name: v('remotion_webhook_secret_param', OUTSIDE_DEFAULTS.remotionWebhookSecretParam), optional: false, what: 'a random secret, e.g. $(openssl rand -hex 32)' },
      { variable: 'remotion_license_key_param', name: v('remotion_license_key_param', ''), optional: true, what: 'the Remotion licence key' },
    ],
    remotionRoleName: v('remotion_role_name', OUTSIDE_DEFAULTS.remotionRoleName),
    remotionFunctionName: v('remotion_function_name', OUTSIDE_DEFAULTS.remotionFunctionName),
    remotionServeUrl: v('remotion_serve_url', OUTSIDE_DEFAULTS.remotionServeUrl),
    stateBackend,
  };
}

/** A Remotion site's serve URL in S3 (virtual-hosted or path style) as bucket and key; null when it is not one. */
export function siteObject(serveUrl: string): { bucket: string; key: string } | null {
  let url: URL;
  try {
    url = new URL(serveUrl);
  } catch {
    return null;
  }
  const key = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const virtual = /^([a-z0-9][a-z0-9.-]+)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.exec(url.hostname);
  if (virtual) return key ? { bucket: virtual[1]!, key } : null;
  if (/^s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.test(url.hostname)) {
    const [bucket, ...rest] = key.split('/');
    return bucket && rest.length > 0 ? { bucket, key: rest.join('/') } : null;
  }
  return null;
}

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Runs every check; a check whose call fails (no permission, no network) fails with the reason. */
export async function runPreflight(reader: PreflightReader, inputs: PreflightInputs): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const check = async (name: string, body: () => Promise<Omit<CheckResult, 'check'>>) => {
    try {
      results.push({ check: name, ...(await body()) });
    } catch (err) {
      results.push({ check: name, status: 'fail', detail: `could not check: ${message(err)}`, fix: 'Check the credentials and that they may make this read-only call (docs/deploy.md, "deploy:check").' });
    }
  };
  const r = inputs.region;

  let account: string | undefined;
  await check('AWS credentials', async () => {
    account = await reader.accountId();
    return { status: 'ok', detail: `account ${account}, region ${r}` };
  });
  if (!account) return results; // Nothing else can be checked without credentials.

  await check('supabase_url', async () =>
    inputs.supabaseUrl && /^https:\/\/[^/]+/.test(inputs.supabaseUrl)
      ? { status: 'ok', detail: inputs.supabaseUrl }
      : { status: 'fail', detail: inputs.supabaseUrl ? `"${inputs.supabaseUrl}" is not an https URL` : 'not set (it has no default)', fix: 'export TF_VAR_supabase_url=https://<project-ref>.supabase.co' },
  );

  for (const p of inputs.secretParams) {
    await check(`SSM parameter ${p.variable}`, async () => {
      if (p.name === '') {
        if (!p.optional) return { status: 'fail', detail: 'empty, but required', fix: `unset TF_VAR_${p.variable} (or name a parameter)` };
        return { status: 'ok', detail: p.variable === 'supabase_jwt_secret_param' ? 'none (""): the API verifies user tokens with the project\'s JWKS only' : 'none ("")' };
      }
      const type = await reader.parameterType(p.name);
      const put = `aws ssm put-parameter --region ${r} --type SecureString --name ${p.name} --value '<${p.what}>'`;
      if (type === null) {
        return {
          status: 'fail',
          detail: `${p.name} does not exist in ${r}`,
          fix: p.optional ? `${put}\n  or, for none: export TF_VAR_${p.variable}=""` : put,
        };
      }
      if (type !== 'SecureString') return { status: 'fail', detail: `${p.name} is a ${type}, not a SecureString: its value would be stored in clear`, fix: `aws ssm delete-parameter --region ${r} --name ${p.name} && ${put}` };
      return { status: 'ok', detail: `${p.name} (SecureString)` };
    });
  }

  let roleArn: string | null = null;
  await check('Remotion role', async () => {
    roleArn = await reader.roleArn(inputs.remotionRoleName);
    return roleArn
      ? { status: 'ok', detail: roleArn }
      : {
          status: 'fail',
          detail: `no IAM role ${inputs.remotionRoleName}: the bucket policy that lets it write renders/ would fail with "Invalid principal"`,
          fix: 'Create it as remotion.dev/docs/lambda/setup steps 2-3 say (npx remotion lambda policies role), or set TF_VAR_remotion_role_name to the role your Remotion function runs as.',
        };
  });

  await check('Remotion function', async () => {
    const deploy = `npm run deploy:remotion -- --region ${r}   (then export TF_VAR_remotion_function_name=<the name it prints>)`;
    if (!inputs.remotionFunctionName.startsWith(REMOTION_FUNCTION_NAME_PREFIX)) {
      return { status: 'fail', detail: `${inputs.remotionFunctionName} is not a function of Remotion ${REMOTION_VERSION} (the installed version); the client refuses a function of another version`, fix: deploy };
    }
    const fnRole = await reader.functionRoleArn(inputs.remotionFunctionName);
    if (fnRole === null) return { status: 'fail', detail: `no Lambda function ${inputs.remotionFunctionName} in ${r}`, fix: deploy };
    if (roleArn && fnRole !== roleArn) {
      return { status: 'fail', detail: `${inputs.remotionFunctionName} runs as ${fnRole}, but the bucket policy would grant ${roleArn}: renders would be refused writing into the bucket`, fix: `export TF_VAR_remotion_role_name=${fnRole.split('/').pop()}` };
    }
    return { status: 'ok', detail: `${inputs.remotionFunctionName} (Remotion ${REMOTION_VERSION})` };
  });

  await check('Remotion site', async () => {
    const site = siteObject(inputs.remotionServeUrl);
    const deploy = `npm run deploy:remotion -- --region ${r} --site-name <name>   (then export TF_VAR_remotion_serve_url=<the URL it prints>)`;
    if (!site) return { status: 'fail', detail: `${inputs.remotionServeUrl} is not the URL of a site in S3`, fix: deploy };
    return (await reader.objectExists(site.bucket, site.key))
      ? { status: 'ok', detail: inputs.remotionServeUrl }
      : { status: 'fail', detail: `nothing at s3://${site.bucket}/${site.key}`, fix: deploy };
  });

  await check('Terraform state', async () => {
    const b = inputs.stateBackend;
    if (b.kind === 'local') {
      return {
        status: 'warn',
        detail: 'local state (terraform.villa-video-pipeline.tfstate in the project root): nobody else can deploy, and losing the file orphans every resource',
        fix: 'export TF_STATE_BUCKET=<a versioned bucket> (docs/deploy.md, "State")',
      };
    }
    if (!(await reader.bucketExists(b.bucket))) {
      return {
        status: 'fail',
        detail: `state bucket ${b.bucket} does not exist (or is not yours)`,
        fix: `aws s3api create-bucket --bucket ${b.bucket} --region ${b.region}${b.region === 'us-east-1' ? '' : ` --create-bucket-configuration LocationConstraint=${b.region}`} && aws s3api put-bucket-versioning --bucket ${b.bucket} --versioning-configuration Status=Enabled`,
      };
    }
    return { status: 'ok', detail: `s3://${b.bucket}/${b.key}, locked by ${b.lockTable ? `DynamoDB table ${b.lockTable}` : 'an S3 lock file'}` };
  });
  return results;
}

export function formatResults(results: CheckResult[]): string {
  const mark: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
  return results.map((c) => `${mark[c.status]} ${c.check}: ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ''}`).join('\n');
}
