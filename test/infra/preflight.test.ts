import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsPreflightReader } from '../../infra/preflight/aws-preflight-reader';
import { formatResults, preflightInputsFromEnv, runPreflight, siteObject, type PreflightReader } from '../../infra/preflight/preflight-checks';
import { stateBackendFromEnv } from '../../infra/state-backend';

const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/remotion-lambda-role`;
const SITE = { bucket: 'remotionlambda-useast1-1w04idkkha', key: 'sites/myhost-bizmate-video/index.html' };

/** What exists in the pretend account; each test removes what it is about. */
interface Account {
  parameters: Record<string, string>;
  roles: Record<string, string>;
  functions: Record<string, string>;
  objects: Set<string>;
  buckets: Set<string>;
}

function completeAccount(): Account {
  return {
    parameters: { '/villa-video/supabase-service-role-key': 'SecureString', '/villa-video/supabase-jwt-secret': 'SecureString', '/villa-video/ltx-api-key': 'SecureString', '/villa-video/remotion-webhook-secret': 'SecureString' },
    roles: { 'remotion-lambda-role': ROLE_ARN },
    functions: { 'remotion-render-4-0-527-mem3008mb-disk10240mb-300sec': ROLE_ARN },
    objects: new Set([`${SITE.bucket}/${SITE.key}`]),
    buckets: new Set(['acme-tfstate']),
  };
}

/**
 * A stand-in of the five services answering in their own wire formats (STS and IAM: query/XML, SSM:
 * JSON 1.1 with x-amz-target, Lambda: REST/JSON with x-amzn-errortype, S3: REST, HEAD with an empty
 * 404), so the reader's SDK clients parse real answers and real errors.
 */
function startFakeAws(account: () => Account) {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const a = account();
      const xml = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(text);
      const target = req.headers['x-amz-target'];
      if (target === 'AmazonSSM.GetParameter') {
        const { Name } = JSON.parse(body) as { Name: string };
        const type = a.parameters[Name];
        res.writeHead(type ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(type ? { Parameter: { Name, Type: type, Value: 'AQICAH-ciphertext', Version: 1 } } : { __type: 'ParameterNotFound', message: '' }));
        return;
      }
      const form = new URLSearchParams(body);
      if (form.get('Action') === 'GetCallerIdentity') {
        return xml(200, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/deployer</Arn><UserId>AIDA</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      }
      if (form.get('Action') === 'GetRole') {
        const name = form.get('RoleName')!;
        const arn = a.roles[name];
        if (!arn) return xml(404, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name ${name} cannot be found.</Message></Error><RequestId>2</RequestId></ErrorResponse>`);
        return xml(200, `<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Path>/</Path><RoleName>${name}</RoleName><RoleId>AROA</RoleId><Arn>${arn}</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate></Role></GetRoleResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></GetRoleResponse>`);
      }
      const fn = /^\/2015-03-31\/functions\/([^/?]+)/.exec(req.url ?? '');
      if (fn && req.method === 'GET') {
        const name = decodeURIComponent(fn[1]!);
        const role = a.functions[name];
        if (!role) {
          res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
          return res.end(JSON.stringify({ Type: 'User', message: `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}` }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ Configuration: { FunctionName: name, Role: role } }));
      }
      if (req.method === 'HEAD') {
        // Path style: HeadBucket is `HEAD /bucket/`, HeadObject `HEAD /bucket/key`.
        const path = decodeURIComponent((req.url ?? '').split('?')[0]!.slice(1)).replace(/\/$/, '');
        const found = path.includes('/') ? a.objects.has(path) : a.buckets.has(path);
        return res.writeHead(found ? 200 : 404).end();
      }
      res.writeHead(500).end(`unexpected ${req.method} ${req.url} ${target ?? ''} ${body}`);
    });
  });
  return new Promise<{ endpoint: string; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

let current = completeAccount();
let fake: Awaited<ReturnType<typeof startFakeAws>>;
let reader: PreflightReader;
beforeAll(async () => {
  fake = await startFakeAws(() => current);
  reader = awsPreflightReader({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
});
afterAll(() => fake.close());

const env = { TF_VAR_supabase_url: 'https://abcd.supabase.co', TF_STATE_BUCKET: 'acme-tfstate' };
const check = async (account: Account, extraEnv: Record<string, string> = {}) => {
  current = account;
  const e = { ...env, ...extraEnv };
  return runPreflight(reader, preflightInputsFromEnv(e, stateBackendFromEnv(e, 'villa-video-pipeline')));
};
const byName = (results: Awaited<ReturnType<typeof check>>, name: string) => results.find((r) => r.check === name)!;

describe('npm run deploy:check', () => {
  it('passes an account that has everything, through the services\' own answers', async () => {
    const results = await check(completeAccount());
    expect(results.filter((r) => r.status !== 'ok'), formatResults(results)).toEqual([]);
    expect(byName(results, 'AWS credentials').detail).toContain(ACCOUNT);
  });

  it('names each missing SecureString with the put-parameter command that creates it', async () => {
    const account = completeAccount();
    delete account.parameters['/villa-video/ltx-api-key'];
    account.parameters['/villa-video/supabase-service-role-key'] = 'String';
    const results = await check(account);
    const ltx = byName(results, 'SSM parameter ltx_api_key_param');
    expect(ltx).toMatchObject({ status: 'fail', detail: '/villa-video/ltx-api-key does not exist in us-east-1' });
    expect(ltx.fix).toBe("aws ssm put-parameter --region us-east-1 --type SecureString --name /villa-video/ltx-api-key --value '<the LTX API key>'");
    expect(byName(results, 'SSM parameter supabase_service_role_key_param')).toMatchObject({ status: 'fail', detail: expect.stringContaining('is a String, not a SecureString') });
  });

  it('accepts no JWT secret at all for a project on asymmetric keys', async () => {
    const account = completeAccount();
    delete account.parameters['/villa-video/supabase-jwt-secret'];
    expect(byName(await check(account), 'SSM parameter supabase_jwt_secret_param')).toMatchObject({ status: 'fail', fix: expect.stringContaining('TF_VAR_supabase_jwt_secret_param=""') });
    expect(byName(await check(account, { TF_VAR_supabase_jwt_secret_param: '' }), 'SSM parameter supabase_jwt_secret_param').status).toBe('ok');
  });

  it('fails a missing Remotion role before the bucket policy would ("Invalid principal")', async () => {
    const account = completeAccount();
    delete account.roles['remotion-lambda-role'];
    const role = byName(await check(account), 'Remotion role');
    expect(role).toMatchObject({ status: 'fail', detail: expect.stringContaining('Invalid principal'), fix: expect.stringContaining('npx remotion lambda policies role') });
  });

  it('fails a Remotion function of another version, or one not deployed, with the deploy command', async () => {
    const old = byName(await check(completeAccount(), { TF_VAR_remotion_function_name: 'remotion-render-4-0-423-mem3008mb-disk10240mb-300sec' }), 'Remotion function');
    expect(old).toMatchObject({ status: 'fail', detail: expect.stringContaining('not a function of Remotion 4.0.527'), fix: expect.stringContaining('npm run deploy:remotion') });
    const account = completeAccount();
    account.functions = {};
    expect(byName(await check(account), 'Remotion function')).toMatchObject({ status: 'fail', detail: 'no Lambda function remotion-render-4-0-527-mem3008mb-disk10240mb-300sec in us-east-1' });
  });

  it('fails a Remotion function running as another role than the one the bucket policy grants', async () => {
    const account = completeAccount();
    account.roles['remotion-lambda-role'] = `arn:aws:iam::${ACCOUNT}:role/remotion-lambda-role`;
    account.functions['remotion-render-4-0-527-mem3008mb-disk10240mb-300sec'] = `arn:aws:iam::${ACCOUNT}:role/other-role`;
    expect(byName(await check(account), 'Remotion function')).toMatchObject({ status: 'fail', fix: 'export TF_VAR_remotion_role_name=other-role' });
  });

  it('fails a site that was never deployed, and a state bucket that does not exist', async () => {
    const account = completeAccount();
    account.objects.clear();
    account.buckets.clear();
    const results = await check(account);
    expect(byName(results, 'Remotion site')).toMatchObject({ status: 'fail', detail: `nothing at s3://${SITE.bucket}/${SITE.key}` });
    expect(byName(results, 'Terraform state')).toMatchObject({ status: 'fail', fix: expect.stringContaining('aws s3api create-bucket --bucket acme-tfstate') });
  });

  it('warns about local state, and fails when supabase_url is not set', async () => {
    current = completeAccount();
    const results = await runPreflight(reader, preflightInputsFromEnv({}, stateBackendFromEnv({}, 'villa-video-pipeline')));
    expect(byName(results, 'Terraform state').status).toBe('warn');
    expect(byName(results, 'supabase_url')).toMatchObject({ status: 'fail', fix: 'export TF_VAR_supabase_url=https://<project-ref>.supabase.co' });
  });

  it('reports a call it may not make as a failure with the reason, not as "missing"', async () => {
    const denied: PreflightReader = { ...reader, roleArn: () => Promise.reject(Object.assign(new Error('not authorized to perform iam:GetRole'), { name: 'AccessDenied' })) };
    current = completeAccount();
    const results = await runPreflight(denied, preflightInputsFromEnv(env, stateBackendFromEnv(env, 'x')));
    expect(byName(results, 'Remotion role')).toMatchObject({ status: 'fail', detail: 'could not check: AccessDenied: not authorized to perform iam:GetRole' });
  });

  it('reads the site bucket and key from virtual-hosted and path-style serve URLs', () => {
    expect(siteObject(`https://${SITE.bucket}.s3.us-east-1.amazonaws.com/${SITE.key}`)).toEqual(SITE);
    expect(siteObject(`https://s3.us-east-1.amazonaws.com/${SITE.bucket}/${SITE.key}`)).toEqual(SITE);
    expect(siteObject('https://example.com/index.html')).toBeNull();
  });
});
