import { describe, expect, it } from 'vitest';
import { functionStatements, lambda, only, ref, synthStack, type Statement } from './synth-helpers';

const { json, text } = synthStack();
const [bucketName] = only(json, 'aws_s3_bucket');
const bucketArn = ref('aws_s3_bucket', bucketName, 'arn');
const PREFIXES = ['images/', 'ltx-videos/', 'renders/', 'thumbnails/'];
const allStatements: Statement[] = Object.values(json.data.aws_iam_policy_document as Record<string, { statement: Statement[] }>).flatMap((d) => d.statement);
const isObjectAction = (a: string) => /^s3:(\*|.*Object.*)$/.test(a) || a === '*';

/** The object actions a function may take, as "action prefix" pairs. */
function objectGrants(handler: string): string[] {
  return functionStatements(json, handler)
    .filter((s) => s.effect === 'Allow' && s.actions.some(isObjectAction))
    .flatMap((s) => s.actions.flatMap((a) => (s.resources ?? []).map((r) => `${a} ${r.replace(`${bucketArn}/`, '')}`)))
    .sort();
}

function ssmParameters(handler: string): string[] {
  return functionStatements(json, handler)
    .filter((s) => s.actions.includes('ssm:GetParameter'))
    .flatMap((s) => s.resources ?? [])
    .map((arn) => /parameter(\$\{var\.[a-z_]+\})$/.exec(arn)?.[1] ?? arn)
    .sort();
}

describe('least privilege', () => {
  it('no Allow statement grants object actions on "*", on the whole bucket, or outside the known prefixes', () => {
    // The one exception: render reads a render's progress in Remotion's own bucket (checked below).
    const objectStatements = allStatements.filter((s) => s.effect === 'Allow' && s.actions.some(isObjectAction) && s.sid !== 'ReadRemotionProgress');
    expect(objectStatements.length).toBeGreaterThan(5);
    for (const s of objectStatements) {
      for (const resource of s.resources ?? []) {
        expect(resource, `${s.sid}`).not.toBe('*');
        expect(resource, `${s.sid}`).not.toBe(`${bucketArn}/*`);
        const prefix = resource.startsWith(`${bucketArn}/`) ? resource.slice(bucketArn.length + 1) : resource;
        expect(PREFIXES.map((p) => `${p}*`), `${s.sid}: ${resource}`).toContain(prefix);
      }
    }
  });

  it('no Allow statement uses a wildcard action or a "*" resource (but X-Ray, whose write actions take no other resource)', () => {
    for (const s of allStatements.filter((x) => x.effect === 'Allow')) {
      expect(s.actions.filter((a) => a === '*' || a.endsWith(':*')), s.sid).toEqual([]);
      if (s.sid === 'WriteTraces') {
        expect(s.actions).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
        continue;
      }
      expect(s.resources ?? [], s.sid).not.toContain('*');
    }
  });

  it('only the event-driven functions may list the bucket (to tell a missing key from a forbidden one); the internet-facing API may not', () => {
    const lists = (handler: string) => functionStatements(json, handler).filter((s) => s.actions.includes('s3:ListBucket') && s.resources?.includes(bucketArn));
    expect(lists('api')).toEqual([]);
    for (const handler of ['ltx', 'render', 'sweep']) expect(lists(handler), handler).toHaveLength(1);
  });

  it('api puts photos (its role signs the presigned PUT), reads them (a replay copies one onto itself), checks deliverables and redrives a failed render\'s clip (the webhook)', () => {
    expect(objectGrants('api')).toEqual(['s3:GetObject images/*', 's3:GetObject ltx-videos/*', 's3:GetObject renders/*', 's3:GetObject thumbnails/*', 's3:PutObject images/*', 's3:PutObject ltx-videos/*']);
  });

  it('ltx reads photos and writes base clips', () => {
    expect(objectGrants('ltx')).toEqual(['s3:GetObject images/*', 's3:GetObject ltx-videos/*', 's3:PutObject ltx-videos/*']);
  });

  it('render reads the clip and checks the deliverables; Remotion, not the function, writes them', () => {
    expect(objectGrants('render')).toEqual([
      's3:GetObject arn:${data.aws_partition.partition.partition}:s3:::remotionlambda-*/renders/*',
      's3:GetObject ltx-videos/*',
      's3:GetObject renders/*',
      's3:GetObject thumbnails/*',
    ]);
    const invoke = functionStatements(json, 'render').filter((s) => s.actions.includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(invoke[0]!.resources).toHaveLength(1);
    expect(invoke[0]!.resources![0]).toBe('${data.aws_lambda_function.remotion-function.arn}');
    expect(lambda(json, 'render')[1].environment.variables).toMatchObject({ REMOTION_FUNCTION_NAME: '${var.remotion_function_name}', REMOTION_SERVE_URL: '${var.remotion_serve_url}', REMOTION_REGION: '${var.region}' });
    // Remotion's grant in the bucket policy: write the deliverables, read nothing (the clip comes presigned).
    const bucketPolicyDoc = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(only(json, 'aws_s3_bucket_policy')[1].policy)![1]!;
    const remotion = (json.data.aws_iam_policy_document[bucketPolicyDoc].statement as Statement[]).find((x) => x.sid === 'RemotionWritesDeliverables')!;
    expect(remotion.actions).toEqual(['s3:PutObject']);
  });

  it('sweep reads every stage and re-puts photos and clips (the self-copy that redrives a stuck job)', () => {
    expect(objectGrants('sweep')).toEqual([
      's3:GetObject images/*',
      's3:GetObject ltx-videos/*',
      's3:GetObject renders/*',
      's3:GetObject thumbnails/*',
      's3:PutObject images/*',
      's3:PutObject ltx-videos/*',
    ]);
  });

  it('each function reads only the SSM parameters it needs, decrypting through SSM only', () => {
    expect(ssmParameters('api')).toEqual(['${var.remotion_webhook_secret_param}', '${var.supabase_jwt_secret_param}', '${var.supabase_service_role_key_param}']);
    expect(ssmParameters('ltx')).toEqual(['${var.ltx_api_key_param}', '${var.supabase_service_role_key_param}']);
    expect(ssmParameters('render')).toEqual(['${var.remotion_license_key_param}', '${var.remotion_webhook_secret_param}', '${var.supabase_service_role_key_param}']);
    expect(ssmParameters('sweep')).toEqual(['${var.supabase_service_role_key_param}']);
    for (const handler of ['api', 'ltx', 'render', 'sweep']) {
      const decrypt = functionStatements(json, handler).find((s) => s.actions.includes('kms:Decrypt'))!;
      const params = functionStatements(json, handler).find((s) => s.actions.includes('ssm:GetParameter'))!.resources;
      expect(decrypt.resources).toEqual([`arn:\${data.aws_partition.partition.partition}:kms:\${var.region}:\${data.aws_caller_identity.account.account_id}:key/*`]);
      // Only through SSM, and only for the function's own parameters (SSM's encryption context).
      expect(decrypt.condition).toEqual([
        { test: 'StringEquals', variable: 'kms:ViaService', values: ['ssm.${var.region}.amazonaws.com'] },
        { test: 'StringEquals', variable: 'kms:EncryptionContext:PARAMETER_ARN', values: params },
      ]);
    }
  });

  it('each function writes only to its own log group', () => {
    for (const handler of ['api', 'ltx', 'render', 'sweep']) {
      const logs = functionStatements(json, handler).filter((s) => s.actions.some((a) => a.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(logs[0]!.resources).toHaveLength(1);
      expect(logs[0]!.resources![0]).toMatch(/^\$\{aws_cloudwatch_log_group\.[^.]+\.arn\}:\*$/);
    }
  });
});

describe('secrets', () => {
  it('reach the functions as SSM parameter names only, never as values', () => {
    for (const handler of ['api', 'ltx', 'render', 'sweep']) {
      const variables = lambda(json, handler)[1].environment.variables as Record<string, string>;
      for (const [name, value] of Object.entries(variables)) {
        if (/KEY|SECRET|TOKEN|PASSWORD/.test(name)) {
          expect(name).toMatch(/_PARAM$/);
          expect(value).toMatch(/^\$\{var\.[a-z_]+_param\}$/);
        }
      }
    }
  });

  it('are never read by Terraform (no SSM data source or resource puts a value into the state)', () => {
    expect(text).not.toMatch(/"aws_ssm_parameter"/);
    expect(text).not.toMatch(/"aws_secretsmanager_secret_version"/);
  });

  it('do not appear in the synthesized JSON', () => {
    // JWTs (Supabase keys are JWTs), AWS access keys, Stripe/OpenAI-style keys, PEM blocks.
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/);
    expect(text).not.toMatch(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/);
    expect(text).not.toMatch(/\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{8,}/);
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    // The parameter NAMES' defaults are paths, not values.
    for (const name of ['supabase_service_role_key_param', 'supabase_jwt_secret_param', 'ltx_api_key_param']) {
      expect(json.variable[name].default).toMatch(/^\/villa-video\/[a-z-]+$/);
    }
  });
});
