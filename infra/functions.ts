import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, Fn, TerraformAsset, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { LambdaHandlerName } from './bundle';
import { FUNCTION_SPECS } from './function-specs';
import { LambdaRole, type PolicyStatement } from './iam';

export interface PipelineFunctionProps {
  handler: LambdaHandlerName;
  functionName: string;
  /** Directory with the bundle (`index.mjs`), zipped by cdktf into the synthesized output. */
  bundleDir: string;
  environment: Record<string, string>;
  statements: PolicyStatement[];
  logRetentionDays: number;
  /** X-Ray active tracing (a Terraform bool expression). */
  tracingEnabled: boolean;
  /** Reserved concurrency: at most this many invocations at once, and that many kept for it alone. */
  reservedConcurrency?: number;
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
        // X-Ray's write actions have no resource-level permissions: "*" is the only resource they take.
        { sid: 'WriteTraces', effect: 'Allow', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] },
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
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: { variables: props.environment },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      tracingConfig: { mode: Token.asString(Fn.conditional(props.tracingEnabled, 'Active', 'PassThrough')) },
      dependsOn: [this.logGroup],
    });
  }
}
