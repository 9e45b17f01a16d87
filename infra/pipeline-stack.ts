import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { IMAGES_PREFIX, LTX_VIDEOS_PREFIX } from '../shared/domain/event-patterns';
import { PipelineAlarms } from './alarms';
import { PipelineBucket } from './bucket';
import type { LambdaHandlerName } from './bundle';
import { CDN_PREFIXES, MediaCdn } from './cdn';
import { domainEventBus, PipelineEvents } from './events';
import { FUNCTION_SPECS } from './function-specs';
import { PipelineFunction } from './functions';
import { objectsUnder, policyDocument, type PolicyStatement } from './iam';
import { defineInputs } from './inputs';
import { LtxQueues, RenderDeadLetterQueue } from './queues';
import { SecretParameters } from './secrets';
import { ApiUrl } from './api-url';

/** hashicorp/aws versions the synthesized configuration accepts (6.42 knows `invoked_via_function_url`). */
export const PROVIDER_VERSION = '~> 6.42';

export interface PipelineStackProps {
  /** Returns the directory holding the handler's bundle (`index.mjs`). Tests pass prebuilt fixtures. */
  bundle: (handler: LambdaHandlerName) => string;
}

/**
 * The whole AWS deployment of the pipeline in one stack. The synthesized JSON is plain Terraform:
 * `cdktf deploy`, or `terraform apply` / `tofu apply` in cdktf.out/stacks/<stack>/.
 */
export class PipelineStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id);
    const inputs = defineInputs(this);
    new AwsProvider(this, 'aws', { region: inputs.region, defaultTags: [{ tags: { project: 'villa-video-pipeline', 'managed-by': 'cdktf' } }] });
    this.addOverride('terraform.required_providers.aws.version', PROVIDER_VERSION);
    const account = new DataAwsCallerIdentity(this, 'account');
    const partition = new DataAwsPartition(this, 'partition').partition;
    const env = { partition, region: inputs.region, accountId: account.accountId };
    const lambdaArn = (name: string) => `arn:${partition}:lambda:${inputs.region}:${account.accountId}:function:${name}`;
    const functionName = (handler: LambdaHandlerName) => `${inputs.namePrefix}-${handler}`;

    const media = new PipelineBucket(this, 'media', {
      namePrefix: inputs.namePrefix,
      allowedOrigins: inputs.allowedOrigins,
      remotionSiteOrigin: inputs.remotionSiteOrigin,
      ltxVideosExpirationDays: inputs.ltxVideosExpirationDays,
    });
    const bucket = media.bucket;
    const bus = domainEventBus(this, inputs.namePrefix);
    const cdn = new MediaCdn(this, 'cdn', { namePrefix: inputs.namePrefix, bucket, priceClass: inputs.cdnPriceClass });
    const ltxQueues = new LtxQueues(this, 'ltx-queues', { namePrefix: inputs.namePrefix, functionTimeoutSeconds: FUNCTION_SPECS.ltx.timeout });
    const renderDlq = new RenderDeadLetterQueue(this, 'render-dlq', { namePrefix: inputs.namePrefix });
    const secrets = new SecretParameters(this, 'secrets', env);

    // Plain (non-secret) configuration, read by shared/config.ts. Secrets are passed as SSM parameter
    // NAMES (`*_PARAM`), per function, only where that function reads them.
    const common: Record<string, string> = {
      BUCKET_NAME: bucket.bucket,
      SUPABASE_URL: inputs.supabaseUrl,
      SUPABASE_SERVICE_ROLE_KEY_PARAM: inputs.supabaseServiceRoleKeyParam,
      LTX_API_URL: inputs.ltxApiUrl,
      LTX_MODEL: inputs.ltxModel,
      LTX_RESOLUTION: inputs.ltxResolution,
      LTX_FPS: Token.asString(inputs.ltxFps),
      EVENT_BUS_NAME: bus.name,
      CDN_BASE_URL: `https://${cdn.distribution.domainName}`,
      RENDERER: 'lambda',
      REMOTION_FUNCTION_NAME: inputs.remotionFunctionName,
      REMOTION_SERVE_URL: inputs.remotionServeUrl,
      REMOTION_REGION: inputs.region,
      ALLOWED_ORIGINS: inputs.allowedOriginsCsv,
      MAX_JOBS_PER_DAY: Token.asString(inputs.maxJobsPerDay),
      ANONYMOUS_JOBS_PER_DAY: Token.asString(inputs.anonymousJobsPerDay),
      MAX_JOBS_PER_DAY_TOTAL: Token.asString(inputs.maxJobsPerDayTotal),
      OPERATOR_USER_ID: inputs.operatorUserId,
      UPLOAD_URL_TTL_SECONDS: Token.asString(inputs.uploadUrlTtlSeconds),
      STUCK_JOB_MINUTES: Token.asString(inputs.stuckJobMinutes),
    };
    const publish: PolicyStatement = { sid: 'PublishDomainEvents', effect: 'Allow', actions: ['events:PutEvents'], resources: [bus.arn] };
    // HeadObject answers 404 for a missing key only to a caller allowed to list the bucket (403
    // otherwise); the idempotency checks ("is the clip/render there already?") need the 404.
    const listBucket: PolicyStatement = { sid: 'TellMissingFromForbidden', effect: 'Allow', actions: ['s3:ListBucket'], resources: [bucket.arn] };
    const objects = (sid: string, actions: string[], prefixes: readonly string[]): PolicyStatement => ({
      sid,
      effect: 'Allow',
      actions,
      resources: prefixes.map((p) => objectsUnder(bucket.arn, p)),
    });

    const fn = (handler: LambdaHandlerName, extraEnv: Record<string, string>, statements: PolicyStatement[], reservedConcurrency?: number) =>
      new PipelineFunction(this, `${handler}-function`, {
        handler,
        reservedConcurrency,
        functionName: functionName(handler),
        bundleDir: props.bundle(handler),
        environment: { ...common, ...extraEnv },
        statements,
        logRetentionDays: inputs.logRetentionDays,
        ...env,
      });

    // api (the web app's API): the presigned PUT is signed with this role, so it may only ever put
    // under images/; a replay copies the user's photo onto itself, hence the read there too.
    const api = fn('api', { SUPABASE_JWT_SECRET_PARAM: inputs.supabaseJwtSecretParam }, [
      objects('PutPhotos', ['s3:PutObject', 's3:GetObject'], [IMAGES_PREFIX]),
      listBucket,
      publish,
      ...secrets.readStatements([inputs.supabaseServiceRoleKeyParam, inputs.supabaseJwtSecretParam]),
    ], inputs.apiReservedConcurrency);
    // ltx: reads the photo (and signs the GET that LTX fetches), writes the base clip.
    const ltx = fn('ltx', { LTX_API_KEY_PARAM: inputs.ltxApiKeyParam }, [
      objects('ReadPhotos', ['s3:GetObject'], [IMAGES_PREFIX]),
      objects('WriteBaseClips', ['s3:PutObject', 's3:GetObject'], [LTX_VIDEOS_PREFIX]),
      listBucket,
      {
        sid: 'ConsumeLtxQueue',
        effect: 'Allow',
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
        resources: [ltxQueues.queue.arn],
      },
      publish,
      ...secrets.readStatements([inputs.supabaseServiceRoleKeyParam, inputs.ltxApiKeyParam]),
      // Reserved at the LTX quota: the queue's maximum concurrency already bounds it, and this also
      // keeps a direct invocation (or a misconfigured trigger) from running more paid calls at once.
    ], inputs.ltxConcurrency);
    // render: signs the GET Remotion fetches the clip with, checks whether the deliverables exist, and
    // starts/polls Remotion Lambda. No PutObject: Remotion's own role writes renders/ and thumbnails/.
    // Remotion's calls need lambda:InvokeFunction only: input props are far below the size at which
    // the client would upload them to Remotion's bucket.
    const render = fn('render', {}, [
      objects('ReadBaseClips', ['s3:GetObject'], [LTX_VIDEOS_PREFIX]),
      objects('CheckDeliverables', ['s3:GetObject'], CDN_PREFIXES),
      listBucket,
      { sid: 'InvokeRemotion', effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [lambdaArn(inputs.remotionFunctionName)] },
      { sid: 'DeadLetterOnFailure', effect: 'Allow', actions: ['sqs:SendMessage'], resources: [renderDlq.queue.arn] },
      publish,
      ...secrets.readStatements([inputs.supabaseServiceRoleKeyParam]),
    ]);
    // sweep: finds the last artefact of a stuck job and redrives it by copying the object onto itself
    // (a fresh Object Created event), which needs read on the source and write on the same key.
    const sweep = fn('sweep', {}, [
      objects('ReadArtefacts', ['s3:GetObject'], [IMAGES_PREFIX, LTX_VIDEOS_PREFIX, ...CDN_PREFIXES]),
      objects('RedriveArtefacts', ['s3:PutObject'], [IMAGES_PREFIX, LTX_VIDEOS_PREFIX]),
      listBucket,
      publish,
      ...secrets.readStatements([inputs.supabaseServiceRoleKeyParam]),
    ]);

    const apiUrl = new ApiUrl(this, 'api-url', { fn: api.fn, allowedOrigins: inputs.allowedOrigins });
    new PipelineEvents(this, 'events', {
      namePrefix: inputs.namePrefix,
      bucketName: bucket.bucket,
      ltxQueue: ltxQueues.queue,
      ltxDeadLetterQueue: ltxQueues.deadLetterQueue,
      renderDeadLetterQueue: renderDlq.queue,
      ltxFunction: ltx.fn,
      renderFunction: render.fn,
      sweepFunction: sweep.fn,
      ltxConcurrency: inputs.ltxConcurrency,
    });

    // The bucket policy: CloudFront reads the deliverables; Remotion's role writes them (renderMediaOnLambda
    // and renderStillOnLambda with outName {bucketName, key}); nobody talks to the bucket without TLS.
    const bucketPolicy = policyDocument(this, 'bucket-policy-doc', [
      cdn.readStatement(bucket.arn),
      {
        sid: 'RemotionWritesDeliverables',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${account.accountId}:role/${inputs.remotionRoleName}`] }],
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: CDN_PREFIXES.map((p) => objectsUnder(bucket.arn, p)),
      },
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:*'],
        resources: [bucket.arn, `${bucket.arn}/*`],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
    new S3BucketPolicy(this, 'bucket-policy', { bucket: bucket.id, policy: bucketPolicy.json, dependsOn: [media.publicAccessBlock] });

    new PipelineAlarms(this, 'alarms', {
      namePrefix: inputs.namePrefix,
      deadLetterQueues: { ltx: ltxQueues.deadLetterQueue, render: renderDlq.queue },
      functions: { api: api.fn, ltx: ltx.fn, render: render.fn, sweep: sweep.fn },
      actions: inputs.alarmActionArns,
    });

    new TerraformOutput(this, 'bucket_name', { value: bucket.bucket, description: 'The pipeline bucket (images/, ltx-videos/, renders/, thumbnails/).' });
    // The Function URL ends in '/'; the handler serves /uploads and /jobs/{id}/replay under it.
    new TerraformOutput(this, 'upload_url', { value: `${apiUrl.url.functionUrl}uploads`, description: 'POST here with the Supabase access token to get a presigned upload.' });
    new TerraformOutput(this, 'api_url', { value: apiUrl.url.functionUrl, description: 'Base of the web API: POST uploads, POST jobs/{jobId}/replay.' });
    new TerraformOutput(this, 'cdn_domain', { value: cdn.distribution.domainName, description: 'CloudFront domain serving renders/ and thumbnails/.' });
    new TerraformOutput(this, 'event_bus_name', { value: bus.name, description: 'Custom EventBridge bus with the pipeline\'s domain events.' });
    new TerraformOutput(this, 'ltx_queue_url', { value: ltxQueues.queue.url, description: 'Queue of photos waiting for an LTX slot.' });
    new TerraformOutput(this, 'ltx_dead_letter_queue_url', { value: ltxQueues.deadLetterQueue.url, description: 'Photo events the LTX step gave up on: `video-pipeline dlq list` (LTX_DEAD_LETTER_QUEUE_URL).' });
    new TerraformOutput(this, 'render_dead_letter_queue_url', { value: renderDlq.queue.url, description: 'Clip events the render step gave up on: `video-pipeline dlq list --queue render` (RENDER_DEAD_LETTER_QUEUE_URL).' });
  }
}
