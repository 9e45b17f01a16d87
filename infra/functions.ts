import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { LTX_CLIENT_DEFAULTS } from '../shared/domain/ltx/ltx-limits';
import { REMOTION_LAMBDA_DEFAULTS } from '../shared/adapters/remotion-lambda-renderer';
import type { LambdaHandlerName } from './bundle';
import { LambdaRole, type PolicyStatement } from './iam';

export interface FunctionSpec {
  memorySize: number;
  timeout: number;
  description: string;
}

/** Room for S3 uploads, Supabase writes and event publishing around the slow call. */
const HEADROOM_SECONDS = 120;

/**
 * Memory and timeout per function, with the reason. Lambda gives CPU in proportion to memory, so
 * "memory" is also "how fast the JavaScript runs".
 */
export const FUNCTION_SPECS: Record<LambdaHandlerName, FunctionSpec> = {
  presign: {
    // Verifies a JWT, counts today's jobs, inserts one row and signs a URL: a few hundred ms. 512 MB
    // keeps the cold start (bundle parse) short; 15 s covers a slow Supabase or JWKS fetch.
    memorySize: 512,
    timeout: 15,
    description: 'Upload endpoint: verifies the Supabase user, records the job, returns a presigned PUT for images/',
  },
  ltx: {
    // LTX answers in up to ~2 minutes; the client retries within a budget (LTX_CLIENT_DEFAULTS: 300 s
    // for all attempts, each up to 180 s), then the MP4 (tens of MB) is streamed to S3. 1024 MB for the
    // network throughput of that upload. Timeout = budget + one last attempt + headroom = 600 s.
    memorySize: 1024,
    timeout: Math.ceil((LTX_CLIENT_DEFAULTS.retry.budgetMs + LTX_CLIENT_DEFAULTS.requestTimeoutMs) / 1000) + HEADROOM_SECONDS,
    description: 'images/ -> LTX-2 image-to-video -> ltx-videos/',
  },
  render: {
    // Only polls Remotion Lambda (which does the rendering): little memory. The adapter gives up after
    // REMOTION_LAMBDA_DEFAULTS.timeoutMs (480 s, above the Remotion function's own 300 s); + headroom.
    memorySize: 512,
    timeout: Math.ceil(REMOTION_LAMBDA_DEFAULTS.timeoutMs / 1000) + HEADROOM_SECONDS,
    description: 'ltx-videos/ -> Remotion Lambda render -> renders/ + thumbnails/ -> generated_videos',
  },
  sweep: {
    // One query for stuck jobs, a few HEADs, self-copies and updates every 5 minutes.
    memorySize: 256,
    timeout: 60,
    description: 'Every 5 minutes: redrives or fails jobs stuck for longer than STUCK_JOB_MINUTES',
  },
};

export interface PipelineFunctionProps {
  handler: LambdaHandlerName;
  functionName: string;
  /** Directory with the bundle (`index.mjs`), zipped by cdktf into the synthesized output. */
  bundleDir: string;
  environment: Record<string, string>;
  statements: PolicyStatement[];
  logRetentionDays: number;
  partition: string;
  region: string;
  accountId: string;
}

/** One handler as a Lambda function: its log group (with retention), its own role, its zip. */
export class PipelineFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: LambdaRole;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const spec = FUNCTION_SPECS[props.handler];
    // Created by Terraform (not by Lambda on first log line) so that the retention applies and
    // `terraform destroy` removes it.
    this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/aws/lambda/${props.functionName}`, retentionInDays: props.logRetentionDays });
    this.role = new LambdaRole(this, 'role', {
      name: `${props.functionName}-role`,
      statements: [
        {
          sid: 'WriteOwnLogs',
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        ...props.statements,
      ],
    });
    const code = new TerraformAsset(this, 'code', { path: props.bundleDir, type: AssetType.ARCHIVE });
    this.fn = new LambdaFunction(this, 'fn', {
      functionName: props.functionName,
      description: spec.description,
      role: this.role.role.arn,
      runtime: 'nodejs22.x',
      // Graviton: about 20% cheaper per GB-second than x86 for the same work.
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: code.assetHash,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      environment: { variables: props.environment },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      dependsOn: [this.logGroup],
    });
  }
}
