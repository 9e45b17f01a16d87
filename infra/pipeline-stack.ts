import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamRole } from '@cdktf/provider-aws/lib/data-aws-iam-role';
import { DataAwsLambdaFunction } from '@cdktf/provider-aws/lib/data-aws-lambda-function';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Op, TerraformOutput, TerraformStack, Token } from 'cdktf';
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
import { WorkQueue } from './queues';
import { LTX_QUEUE, RENDER_QUEUE } from '../shared/domain/pipeline-topology';
import { REMOTION_WEBHOOK_PATH } from '../shared/domain/remotion-webhook';
import { SecretParameters } from './secrets';
import { ApiUrl } from './api-url';
import { applyStateBackend, type StateBackendSettings } from './state-backend';

/**
 * hashicorp/aws versions the synthesized configuration accepts: from 6.29 the provider adds both
 * statements a public Function URL needs (infra/api-url.ts), so the stack declares neither.
 */
export const PROVIDER_VERSION = '~> 6.42';

export interface PipelineStackProps {
  /** Returns the directory holding the handler's bundle (`index.mjs`). Tests pass prebuilt fixtures. */
  bundle: (handler: LambdaHandlerName) => string;
  /** Where the state lives (infra/state-backend.ts); main.ts reads it from the environment. Default: local, relative. */
  stateBackend?: StateBackendSettings;
}

/**
 * The whole AWS deployment of the pipeline in one stack. The synthesized JSON is plain Terraform:
 * `cdktf deploy`, or `terraform apply` / `tofu apply` in cdktf.out/stacks/<stack>/.
 */
export class PipelineStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id);
    applyStateBackend(this, props.stateBackend ?? { kind: 'local', path: `../../../terraform.${id}.tfstate` });
    const inputs = defineInputs(this);
    new AwsProvider(this, 'aws', { region: inputs.region, defaultTags: [{ tags: { project: 'villa-video-pipeline', 'managed-by': 'cdktf' } }] });
    this.addOverride('terraform.required_providers.aws.version', PROVIDER_VERSION);
    const account = new DataAwsCallerIdentity(this, 'account');
    const partition = new DataAwsPartition(this, 'partition').partition;
    const env = { partition, region: inputs.region, accountId: account.accountId };
    const functionName = (handler: LambdaHandlerName) => `${inputs.namePrefix}-${handler}`;

    const media = new PipelineBucket(this, 'media', {
      namePrefix: inputs.namePrefix,
      allowedOrigins: inputs.allowedOrigins,
      remotionSiteOrigin: inputs.remotionSiteOrigin,
      ltxVideosExpirationDays: inputs.ltxVideosExpirationDays,
      imagesExpirationDays: inputs.imagesExpirationDays,
      rendersTieringDays: inputs.rendersTieringDays,
    });
    const bucket = media.bucket;
    const bus = domainEventBus(this, inputs.namePrefix);
    const cdn = new MediaCdn(this, 'cdn', { namePrefix: inputs.namePrefix, bucket, priceClass: inputs.cdnPriceClass });
    const ltxQueues = new WorkQueue(this, 'ltx-queues', { namePrefix: inputs.namePrefix, topology: LTX_QUEUE, functionTimeoutSeconds: FUNCTION_SPECS.ltx.timeout });
    const renderQueues = new WorkQueue(this, 'render-queues', { namePrefix: inputs.namePrefix, topology: RENDER_QUEUE, functionTimeoutSeconds: FUNCTION_SPECS.render.timeout });
    const secrets = new SecretParameters(env);
    // Remotion's role and function are made outside this stack (npm run deploy:remotion). Read at plan
    // time, so a missing one fails the plan with "couldn't find resource" naming it, before anything is
    // created, instead of a half-applied stack and "Invalid principal" from the bucket policy.
    const remotionRole = new DataAwsIamRole(this, 'remotion-role', { name: inputs.remotionRoleName });
    const remotionFunction = new DataAwsLambdaFunction(this, 'remotion-function', { functionName: inputs.remotionFunctionName });

    // Each function gets the settings it reads (shared/config.ts), nothing more: a function that does
    // not write media URLs does not wait for CloudFront to deploy. Secrets are SSM parameter NAMES
    // (`*_PARAM`), resolved at cold start; an empty optional one is no secret at all.
    const base = { BUCKET_NAME: bucket.bucket, SUPABASE_URL: inputs.supabaseUrl, SUPABASE_SERVICE_ROLE_KEY_PARAM: inputs.supabaseServiceRoleKeyParam, EVENT_BUS_NAME: bus.name };
    const jobDefaults = { LTX_MODEL: inputs.ltxModel, LTX_RESOLUTION: inputs.ltxResolution, LTX_PORTRAIT_MODEL: inputs.ltxPortraitModel, LTX_FPS: Token.asString(inputs.ltxFps) };
    const mediaUrls = { CDN_BASE_URL: `https://${cdn.distribution.domainName}` };
    const publish: PolicyStatement = { sid: 'PublishDomainEvents', effect: 'Allow', actions: ['events:PutEvents'], resources: [bus.arn] };
    // HeadObject answers 404 for a missing key only to a caller allowed to list the bucket (403
    // otherwise); the idempotency checks of the event-driven functions ("is the clip/render there
    // already?") need the 404. The internet-facing API gets no ListBucket: see its statements.
    const listBucket: PolicyStatement = { sid: 'TellMissingFromForbidden', effect: 'Allow', actions: ['s3:ListBucket'], resources: [bucket.arn] };
    const objects = (sid: string, actions: string[], prefixes: readonly string[]): PolicyStatement => ({
      sid,
      effect: 'Allow',
      actions,
      resources: prefixes.map((p) => objectsUnder(bucket.arn, p)),
    });
    const consume = (sid: string, queue: WorkQueue): PolicyStatement => ({
      sid,
      effect: 'Allow',
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      resources: [queue.queue.arn],
    });

    const fn = (handler: LambdaHandlerName, environment: Record<string, string>, statements: PolicyStatement[], reservedConcurrency?: number) =>
      new PipelineFunction(this, `${handler}-function`, {
        handler,
        reservedConcurrency,
        functionName: functionName(handler),
        bundleDir: props.bundle(handler),
        environment,
        statements,
        logRetentionDays: inputs.logRetentionDays,
        tracingEnabled: inputs.tracingEnabled,
        ...env,
      });

    // api (the web app's API and Remotion's webhook): the presigned PUT is signed with this role, so it
    // may only ever put under images/; a replay copies the user's photo onto itself, hence the read
    // there too; the webhook checks the deliverables (HEAD) before completing a job, and redrives the
    // clip of a render that failed. No ListBucket:
    // a missing deliverable answers 403, the webhook then fails with 5xx for Remotion to retry, and
    // the sweeper's resume (the render function, which may tell missing from forbidden) settles it.
    const api = fn(
      'api',
      {
        ...base,
        ...jobDefaults,
        ...mediaUrls,
        SUPABASE_JWT_SECRET_PARAM: inputs.supabaseJwtSecretParam,
        REMOTION_WEBHOOK_SECRET_PARAM: inputs.remotionWebhookSecretParam,
        ALLOWED_ORIGINS: inputs.allowedOriginsCsv,
        MAX_JOBS_PER_DAY: Token.asString(inputs.maxJobsPerDay),
        ANONYMOUS_JOBS_PER_DAY: Token.asString(inputs.anonymousJobsPerDay),
        MAX_JOBS_PER_DAY_TOTAL: Token.asString(inputs.maxJobsPerDayTotal),
        UPLOAD_URL_TTL_SECONDS: Token.asString(inputs.uploadUrlTtlSeconds),
      },
      [
        objects('PutPhotos', ['s3:PutObject', 's3:GetObject'], [IMAGES_PREFIX]),
        objects('CheckDeliverables', ['s3:GetObject'], CDN_PREFIXES),
        // A failed render's webhook copies the clip onto itself: its event starts the next attempt.
        objects('RedriveClips', ['s3:GetObject', 's3:PutObject'], [LTX_VIDEOS_PREFIX]),
        publish,
        ...secrets.readStatements([inputs.supabaseServiceRoleKeyParam, inputs.supabaseJwtSecretParam, inputs.remotionWebhookSecretParam]),
      ],
      inputs.apiReservedConcurrency,
    );
    const apiUrl = new ApiUrl(this, 'api-url', { fn: api.fn, allowedOrigins: inputs.allowedOrigins });
    // ltx: reads the photo (and signs the GET that LTX fetches), writes the base clip.
    const ltx = fn('ltx', { ...base, ...jobDefaults, LTX_API_URL: inputs.ltxApiUrl, LTX_PRICES_USD_PER_SECOND: inputs.ltxPricesUsdPerSecond, LTX_API_KEY_PARAM: inputs.ltxApiKeyParam, OPERATOR_USER_ID: inputs.operatorUserId }, [
      objects('ReadPhotos', ['s3:GetObject'], [IMAGES_PREFIX]),
      objects('WriteBaseClips', ['s3:PutObject', 's3:GetObject'], [LTX_VIDEOS_PREFIX]),
      listBucket,
      consume('ConsumeLtxQueue', ltxQueues),
      publish,
      ...secrets.readStatements([inputs.supabaseServiceRoleKeyParam, inputs.ltxApiKeyParam]),
      // Reserved at the LTX quota: the queue's maximum concurrency already bounds it, and this also
      // keeps a direct invocation (or a misconfigured trigger) from running more paid calls at once.
    ], inputs.ltxConcurrency);
    // render: signs the GET Remotion fetches the clip with, checks whether the deliverables exist, and
    // starts Remotion Lambda with the webhook. No PutObject: Remotion's own role writes renders/ and
    // thumbnails/. Remotion's calls need lambda:InvokeFunction (input props are far below the size at
    // which the client would upload them) and, to read a render's progress without invoking Remotion
    // (skipLambdaInvocation), a read of Remotion's own bucket.
    const render = fn(
      'render',
      {
        ...base,
        ...mediaUrls,
        RENDERER: 'lambda',
        REMOTION_FUNCTION_NAME: inputs.remotionFunctionName,
        REMOTION_SERVE_URL: inputs.remotionServeUrl,
        REMOTION_REGION: inputs.region,
        REMOTION_WEBHOOK_URL: `${apiUrl.url.functionUrl}${REMOTION_WEBHOOK_PATH.slice(1)}`,
        REMOTION_WEBHOOK_SECRET_PARAM: inputs.remotionWebhookSecretParam,
        REMOTION_LICENSE_KEY_PARAM: inputs.remotionLicenseKeyParam,
        REMOTION_DELETE_AFTER: inputs.remotionDeleteAfter,
        MAX_CONCURRENT_RENDERS: Token.asString(inputs.maxConcurrentRenders),
      },
      [
        objects('ReadBaseClips', ['s3:GetObject'], [LTX_VIDEOS_PREFIX]),
        objects('CheckDeliverables', ['s3:GetObject'], CDN_PREFIXES),
        listBucket,
        { sid: 'InvokeRemotion', effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [remotionFunction.arn] },
        // Remotion's buckets are named remotionlambda-<region>-<id>; a render's progress is under renders/<renderId>/.
        { sid: 'ReadRemotionProgress', effect: 'Allow', actions: ['s3:GetObject'], resources: [`arn:${partition}:s3:::remotionlambda-*/renders/*`] },
        { sid: 'TellRemotionProgressMissing', effect: 'Allow', actions: ['s3:ListBucket'], resources: [`arn:${partition}:s3:::remotionlambda-*`] },
        consume('ConsumeRenderQueue', renderQueues),
        publish,
        ...secrets.readStatements([inputs.supabaseServiceRoleKeyParam, inputs.remotionWebhookSecretParam, inputs.remotionLicenseKeyParam]),
      ],
    );
    // sweep: finds the last artefact of a stuck job and redrives it by copying the object onto itself
    // (a fresh Object Created event), which needs read on the source and write on the same key.
    const sweep = fn('sweep', { ...base, STUCK_JOB_MINUTES: Token.asString(inputs.stuckJobMinutes), UPLOAD_URL_TTL_SECONDS: Token.asString(inputs.uploadUrlTtlSeconds) }, [
      objects('ReadArtefacts', ['s3:GetObject'], [IMAGES_PREFIX, LTX_VIDEOS_PREFIX, ...CDN_PREFIXES]),
      objects('RedriveArtefacts', ['s3:PutObject'], [IMAGES_PREFIX, LTX_VIDEOS_PREFIX]),
      listBucket,
      publish,
      ...secrets.readStatements([inputs.supabaseServiceRoleKeyParam]),
    ]);

    const events = new PipelineEvents(this, 'events', {
      namePrefix: inputs.namePrefix,
      bucketName: bucket.bucket,
      ltxQueue: ltxQueues.queue,
      ltxDeadLetterQueue: ltxQueues.deadLetterQueue,
      renderQueue: renderQueues.queue,
      renderDeadLetterQueue: renderQueues.deadLetterQueue,
      ltxFunction: ltx.fn,
      renderFunction: render.fn,
      sweepFunction: sweep.fn,
      ltxConcurrency: inputs.ltxConcurrency,
      renderStartConcurrency: inputs.renderStartConcurrency,
    });

    // The bucket policy: CloudFront reads the deliverables; Remotion's role writes them (renderMediaOnLambda
    // and renderStillOnLambda with outName {bucketName, key}; it reads nothing of ours: the clip comes
    // as a presigned URL); nobody talks to the bucket without TLS.
    const bucketPolicy = policyDocument(this, 'bucket-policy-doc', [
      cdn.readStatement(bucket.arn),
      {
        sid: 'RemotionWritesDeliverables',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [remotionRole.arn] }],
        actions: ['s3:PutObject'],
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

    const alarms = new PipelineAlarms(this, 'alarms', {
      namePrefix: inputs.namePrefix,
      workQueues: { ltx: ltxQueues.queue, render: renderQueues.queue },
      queueAgeSeconds: Token.asNumber(Op.mul(inputs.queueAgeAlarmMinutes, 60)),
      deadLetterQueues: { ltx: ltxQueues.deadLetterQueue, render: renderQueues.deadLetterQueue },
      functions: { api: api.fn, ltx: ltx.fn, render: render.fn, sweep: sweep.fn },
      urlFunction: api.fn,
      rules: { images: events.imagesRule, 'ltx-videos': events.ltxVideosRule, sweep: events.sweepRule },
      remotionFunctionName: inputs.remotionFunctionName,
      alarmEmail: inputs.alarmEmail,
      extraActions: inputs.alarmActionArns,
    });

    new TerraformOutput(this, 'bucket_name', { value: bucket.bucket, description: 'The pipeline bucket (images/, ltx-videos/, renders/, thumbnails/).' });
    // The Function URL ends in '/'; the handler serves /uploads and /jobs/{id}/replay under it.
    new TerraformOutput(this, 'upload_url', { value: `${apiUrl.url.functionUrl}uploads`, description: 'POST here with the Supabase access token to get a presigned upload.' });
    new TerraformOutput(this, 'api_url', { value: apiUrl.url.functionUrl, description: 'Base of the web API: POST uploads, POST jobs/{jobId}/replay.' });
    new TerraformOutput(this, 'cdn_domain', { value: cdn.distribution.domainName, description: 'CloudFront domain serving renders/ and thumbnails/.' });
    new TerraformOutput(this, 'event_bus_name', { value: bus.name, description: 'Custom EventBridge bus with the pipeline\'s domain events.' });
    new TerraformOutput(this, 'ltx_queue_url', { value: ltxQueues.queue.url, description: 'Queue of photos waiting for an LTX slot.' });
    new TerraformOutput(this, 'alarm_topic_arn', { value: alarms.topic.arn, description: 'SNS topic every alarm notifies: subscribe more endpoints to it.' });
    new TerraformOutput(this, 'ltx_dead_letter_queue_url', { value: ltxQueues.deadLetterQueue.url, description: 'Photo events the LTX step gave up on: `video-pipeline dlq list` (LTX_DEAD_LETTER_QUEUE_URL).' });
    new TerraformOutput(this, 'render_dead_letter_queue_url', { value: renderQueues.deadLetterQueue.url, description: 'Clip events the render step gave up on: `video-pipeline dlq list --queue render` (RENDER_DEAD_LETTER_QUEUE_URL).' });
  }
}
