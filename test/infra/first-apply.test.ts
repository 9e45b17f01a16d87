import { describe, expect, it } from 'vitest';
import { PROVIDER_ADDED_URL_STATEMENTS } from '../../infra/api-url';
import { PROVIDER_VERSION } from '../../infra/pipeline-stack';
import { REMOTION_FUNCTION_NAME_PREFIX } from '../../infra/remotion-version';
import { stateBackendFromEnv } from '../../infra/state-backend';
import { functionStatements, only, policyStatements, resources, synthStack } from './synth-helpers';

const { json, text } = synthStack();

/** The lowest hashicorp/aws version a `~> X.Y` constraint admits. */
function lowestAdmitted(constraint: string): [number, number] {
  const m = /^~>\s*(\d+)\.(\d+)$/.exec(constraint);
  if (!m) throw new Error(`unexpected constraint ${constraint}`);
  return [Number(m[1]), Number(m[2])];
}

describe('a first apply that cannot conflict with itself', () => {
  it('declares no permission the provider adds itself when it creates the public Function URL', () => {
    const [, url] = only(json, 'aws_lambda_function_url');
    expect(url.authorization_type).toBe('NONE');
    const permissions = resources(json, 'aws_lambda_permission').map(([, p]) => p);
    expect(permissions.filter((p) => (PROVIDER_ADDED_URL_STATEMENTS as readonly string[]).includes(p.statement_id))).toEqual([]);
    // No public grant at all: both come from the provider, so there is nothing to race with.
    expect(permissions.filter((p) => p.principal === '*')).toEqual([]);
    const [major, minor] = lowestAdmitted(PROVIDER_VERSION);
    // 6.29 is the first provider to add FunctionURLAllowInvokeAction (without it the URL answers 403).
    expect(major > 6 || (major === 6 && minor >= 29)).toBe(true);
    expect(json.terraform.required_providers.aws.version).toBe(PROVIDER_VERSION);
  });

  it('looks up no KMS alias at plan time (it does not exist before the first SecureString)', () => {
    expect(json.data.aws_kms_alias).toBeUndefined();
    expect(text).not.toContain('alias/aws/ssm');
  });

  it("reads Remotion's role and function at plan time, so a missing one fails the plan before anything is created", () => {
    const roles = Object.entries(json.data.aws_iam_role as Record<string, { name: string }>);
    const functions = Object.entries(json.data.aws_lambda_function as Record<string, { function_name: string }>);
    expect(roles).toEqual([[expect.any(String), { name: '${var.remotion_role_name}' }]]);
    expect(functions).toEqual([[expect.any(String), { function_name: '${var.remotion_function_name}' }]]);
    const [, bucketPolicy] = only(json, 'aws_s3_bucket_policy');
    const remotion = policyStatements(json, bucketPolicy.policy).find((s) => s.sid === 'RemotionWritesDeliverables')!;
    expect(remotion.principals).toEqual([{ type: 'AWS', identifiers: [`\${data.aws_iam_role.${roles[0]![0]}.arn}`] }]);
    const invoke = functionStatements(json, 'render').find((s) => s.actions.includes('lambda:InvokeFunction'))!;
    expect(invoke.resources).toEqual([`\${data.aws_lambda_function.${functions[0]![0]}.arn}`]);
  });

  it('refuses, at plan time, a Remotion function of another version than the installed one', () => {
    const validation = JSON.stringify(json.variable.remotion_function_name.validation);
    expect(REMOTION_FUNCTION_NAME_PREFIX).toBe('remotion-render-4-0-527-');
    expect(validation).toContain(`startswith(var.remotion_function_name, \\"${REMOTION_FUNCTION_NAME_PREFIX}\\")`);
    expect(validation).toContain('npm run deploy:remotion');
    // The seed's function (4.0.423, never published on npm) is refused by that condition.
    expect('remotion-render-4-0-423-mem3008mb-disk10240mb-300sec'.startsWith(REMOTION_FUNCTION_NAME_PREFIX)).toBe(false);
  });
});

describe('the state backend', () => {
  it('is local by default, at a path relative to the stack directory: no path of the machine that ran synth', () => {
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.test.tfstate' } });
    expect(text).not.toContain(process.cwd());
    expect(text).not.toMatch(/"\/(work|home|tmp|Users)\//);
  });

  it('is S3 with S3-native locking when TF_STATE_BUCKET is set', () => {
    const settings = stateBackendFromEnv({ TF_STATE_BUCKET: 'acme-tfstate', AWS_REGION: 'eu-west-1' }, 'villa-video-pipeline');
    const { json: s3 } = synthStack({ stateBackend: settings });
    expect(s3.terraform.backend).toEqual({
      s3: { bucket: 'acme-tfstate', key: 'villa-video-pipeline/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  it('locks with a DynamoDB table instead when TF_STATE_LOCK_TABLE is set', () => {
    const settings = stateBackendFromEnv({ TF_STATE_BUCKET: 'acme-tfstate', TF_STATE_KEY: 'prod/villa.tfstate', TF_STATE_REGION: 'us-east-1', TF_STATE_LOCK_TABLE: 'tf-locks' }, 'x');
    const { json: s3 } = synthStack({ stateBackend: settings });
    expect(s3.terraform.backend.s3).toEqual({ bucket: 'acme-tfstate', key: 'prod/villa.tfstate', region: 'us-east-1', encrypt: true, dynamodb_table: 'tf-locks' });
  });

  it('refuses a state bucket or key that S3 would refuse, naming the variable', () => {
    expect(() => stateBackendFromEnv({ TF_STATE_BUCKET: 'Bad_Bucket' }, 'x')).toThrow(/TF_STATE_BUCKET/);
    expect(() => stateBackendFromEnv({ TF_STATE_BUCKET: 'ok-bucket', TF_STATE_KEY: '/abs' }, 'x')).toThrow(/TF_STATE_KEY/);
  });
});
