import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { PreflightReader } from './preflight-checks';

/** The error names AWS answers "there is no such thing" with, per service. */
const NOT_FOUND = new Set(['ParameterNotFound', 'NoSuchEntity', 'NoSuchEntityException', 'ResourceNotFoundException', 'NotFound', 'NoSuchBucket', 'NoSuchKey']);

/** True for "does not exist"; anything else (AccessDenied, throttling, no network) is a real failure. */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return NOT_FOUND.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 404;
}

async function orNull<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export interface AwsPreflightReaderOptions {
  region: string;
  /** Test endpoints (a stand-in speaking the services' wire formats); AWS itself when unset. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The preflight's read-only calls on the AWS SDK: GetCallerIdentity, GetParameter (no decryption), GetRole, GetFunction, HeadObject, HeadBucket. */
export function awsPreflightReader(options: AwsPreflightReaderOptions): PreflightReader {
  const common = { region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) };
  const sts = new STSClient(common);
  const ssm = new SSMClient(common);
  const iam = new IAMClient(common);
  const lambda = new LambdaClient(common);
  // The site's and the state's buckets may be in another region than the stack.
  const s3 = new S3Client({ ...common, followRegionRedirects: true, forcePathStyle: Boolean(options.endpoint) });
  return {
    async accountId() {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      return out.Account ?? 'unknown';
    },
    async parameterType(name) {
      const out = await orNull(() => ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false })));
      return out ? (out.Parameter?.Type ?? 'unknown') : null;
    },
    async roleArn(name) {
      const out = await orNull(() => iam.send(new GetRoleCommand({ RoleName: name })));
      return out ? (out.Role?.Arn ?? null) : null;
    },
    async functionRoleArn(name) {
      const out = await orNull(() => lambda.send(new GetFunctionCommand({ FunctionName: name })));
      return out ? (out.Configuration?.Role ?? 'unknown') : null;
    },
    async objectExists(bucket, key) {
      return (await orNull(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))) !== null;
    },
    async bucketExists(bucket) {
      return (await orNull(() => s3.send(new HeadBucketCommand({ Bucket: bucket })))) !== null;
    },
  };
}
