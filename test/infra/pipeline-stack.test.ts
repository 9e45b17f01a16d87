import { speculateFunctionName } from '@remotion/lambda/client';
import { describe, expect, it } from 'vitest';
import { LTX_VIDEOS_PREFIX, imagesCreatedPattern, ltxVideosCreatedPattern } from '../../shared/domain/event-patterns';
import { FUNCTION_SPECS } from '../../infra/function-specs';
import { API_CORS } from '../../shared/domain/api-cors-policy';
import { DEFAULT_REMOTION_FUNCTION_NAME, REMOTION_FUNCTION_SPEC } from '../../infra/inputs';
import { defaultOf, find, functionStatements, lambda, only, ref, resources, synthStack } from './synth-helpers';

const { json } = synthStack();
const [bucketName] = only(json, 'aws_s3_bucket');
const bucketRef = ref('aws_s3_bucket', bucketName, 'bucket');
const bucketId = ref('aws_s3_bucket', bucketName, 'id');
const queueNamed = (suffix: string) => find(json, 'aws_sqs_queue', (q) => q.name === `\${var.name_prefix}-${suffix}`);
const ruleWithPattern = (pattern: object) => find(json, 'aws_cloudwatch_event_rule', (r) => typeof r.event_pattern === 'string' && JSON.stringify(JSON.parse(r.event_pattern)) === JSON.stringify(pattern));

describe('the bucket', () => {
  it('sends its object events to EventBridge', () => {
    expect(only(json, 'aws_s3_bucket_notification')[1]).toMatchObject({ bucket: bucketId, eventbridge: true });
  });

  it('is private: public access blocked, ACLs disabled, encrypted, TLS only', () => {
    expect(only(json, 'aws_s3_bucket_public_access_block')[1]).toMatchObject({ bucket: bucketId, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(only(json, 'aws_s3_bucket_ownership_controls')[1].rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    expect(only(json, 'aws_s3_bucket_server_side_encryption_configuration')[1].rule[0].apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'AES256' });
    const statements = JSON.stringify(json.data.aws_iam_policy_document);
    expect(statements).toContain('"variable":"aws:SecureTransport"');
  });

  it('lets the configured origins PUT (the presigned upload) and the Remotion site\'s page GET the clip (<Video> fetches it), nothing else', () => {
    const [, cors] = only(json, 'aws_s3_bucket_cors_configuration');
    expect(cors.cors_rule).toHaveLength(2);
    expect(cors.cors_rule[0]).toMatchObject({ allowed_methods: ['PUT'], allowed_origins: '${var.allowed_origins}' });
    expect(defaultOf(json, cors.cors_rule[0].allowed_origins)).toEqual(['https://myhost-bizmate.vercel.app']);
    expect(cors.cors_rule[1]).toMatchObject({ allowed_methods: ['GET', 'HEAD'], allowed_headers: ['Range'] });
    // The origin is computed by Terraform from the serve URL; apply the same regex to the default.
    const [origin] = cors.cors_rule[1].allowed_origins as string[];
    const call = /^\$\{regex\("(.+)", var\.remotion_serve_url\)\}$/.exec(origin!);
    expect(call, origin).not.toBeNull();
    const pattern = new RegExp(JSON.parse(`"${call![1]}"`) as string);
    expect(pattern.exec(json.variable.remotion_serve_url.default)?.[0]).toBe('https://remotionlambda-useast1-1w04idkkha.s3.us-east-1.amazonaws.com');
  });

  it('aborts incomplete multipart uploads after a day and expires ltx-videos/ after the configured days', () => {
    const rules = only(json, 'aws_s3_bucket_lifecycle_configuration')[1].rule as Array<Record<string, any>>;
    expect(rules.find((r) => r.abort_incomplete_multipart_upload)?.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 1 }]);
    const expire = rules.find((r) => r.expiration)!;
    expect(expire.filter).toEqual([{ prefix: LTX_VIDEOS_PREFIX }]);
    expect(expire.expiration[0].days).toBe('${var.ltx_videos_expiration_days}');
    expect(defaultOf(json, expire.expiration[0].days)).toBe(7);
  });
});

describe('the rules', () => {
  it('use the shared patterns with the bucket reference, for images/ and ltx-videos/', () => {
    const [, images] = ruleWithPattern(imagesCreatedPattern(bucketRef));
    const [, clips] = ruleWithPattern(ltxVideosCreatedPattern(bucketRef));
    expect(JSON.parse(images.event_pattern)).toEqual(imagesCreatedPattern(bucketRef));
    expect(JSON.parse(clips.event_pattern)).toEqual(ltxVideosCreatedPattern(bucketRef));
    // S3 publishes to the default bus: no event_bus_name on these rules.
    expect(images.event_bus_name).toBeUndefined();
  });

  it('images/ goes to the LTX queue, which feeds the LTX function one photo at a time, at most ltx_concurrency at once', () => {
    const [imagesRule] = ruleWithPattern(imagesCreatedPattern(bucketRef));
    const [queueName, queue] = queueNamed('ltx');
    const target = find(json, 'aws_cloudwatch_event_target', (t) => t.rule === ref('aws_cloudwatch_event_rule', imagesRule, 'name'))[1];
    expect(target.arn).toBe(ref('aws_sqs_queue', queueName, 'arn'));
    const [ltxName] = lambda(json, 'ltx');
    const [, mapping] = find(json, 'aws_lambda_event_source_mapping', (m) => m.function_name === ref('aws_lambda_function', ltxName, 'arn'));
    expect(mapping).toMatchObject({
      event_source_arn: ref('aws_sqs_queue', queueName, 'arn'),
      function_name: ref('aws_lambda_function', ltxName, 'arn'),
      batch_size: 1,
      function_response_types: ['ReportBatchItemFailures'],
      scaling_config: { maximum_concurrency: '${var.ltx_concurrency}' },
    });
    expect(defaultOf(json, mapping.scaling_config.maximum_concurrency)).toBe(2);
    expect(JSON.stringify(json.variable.ltx_concurrency.validation)).toContain('var.ltx_concurrency >= 2');
    // The queue only accepts messages from that rule.
    const [, queuePolicy] = find(json, 'aws_sqs_queue_policy', (p) => p.queue_url === ref('aws_sqs_queue', queueName, 'url'));
    expect(JSON.stringify(json.data.aws_iam_policy_document[/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(queuePolicy.policy)![1]!])).toContain(ref('aws_cloudwatch_event_rule', imagesRule, 'arn'));
    expect(queue.visibility_timeout_seconds).toBe(6 * FUNCTION_SPECS.ltx.timeout);
  });

  it('the work queues hide a message longer than the function may run, and dead-letter after at least 5 receives', () => {
    for (const [name, receives] of [['ltx', 5], ['render', 10]] as const) {
      const [, queue] = queueNamed(name);
      const [dlqName] = queueNamed(`${name}-dlq`);
      expect(queue.visibility_timeout_seconds).toBe(6 * lambda(json, name)[1].timeout);
      expect(JSON.parse(queue.redrive_policy)).toEqual({ deadLetterTargetArn: ref('aws_sqs_queue', dlqName, 'arn'), maxReceiveCount: receives });
    }
  });

  it('ltx-videos/ goes to the render queue, which starts renders a few at a time; the render function no longer waits', () => {
    const [clipsRule] = ruleWithPattern(ltxVideosCreatedPattern(bucketRef));
    const [renderName, render] = lambda(json, 'render');
    const [queueName] = queueNamed('render');
    const [dlqName] = queueNamed('render-dlq');
    const target = find(json, 'aws_cloudwatch_event_target', (t) => t.rule === ref('aws_cloudwatch_event_rule', clipsRule, 'name'))[1];
    expect(target.arn).toBe(ref('aws_sqs_queue', queueName, 'arn'));
    expect(target.retry_policy).toEqual({ maximum_event_age_in_seconds: 3600, maximum_retry_attempts: 8 });
    expect(target.dead_letter_config).toEqual({ arn: ref('aws_sqs_queue', dlqName, 'arn') });
    const [, mapping] = find(json, 'aws_lambda_event_source_mapping', (m) => m.function_name === ref('aws_lambda_function', renderName, 'arn'));
    expect(mapping).toMatchObject({ event_source_arn: ref('aws_sqs_queue', queueName, 'arn'), batch_size: 1, function_response_types: ['ReportBatchItemFailures'], scaling_config: { maximum_concurrency: '${var.render_start_concurrency}' } });
    // Nothing invokes render asynchronously any more.
    expect(resources(json, 'aws_lambda_permission').filter(([, p]) => p.function_name === ref('aws_lambda_function', renderName, 'function_name'))).toEqual([]);
    expect(json.resource.aws_lambda_function_event_invoke_config).toBeUndefined();
    expect(render.timeout).toBe(90);
    expect(render.environment.variables.REMOTION_WEBHOOK_URL).toBe(`${ref('aws_lambda_function_url', only(json, 'aws_lambda_function_url')[0], 'function_url')}webhooks/remotion`);
    expect(render.environment.variables.MAX_CONCURRENT_RENDERS).toBe('${var.max_concurrent_renders}');
    expect(defaultOf(json, render.environment.variables.MAX_CONCURRENT_RENDERS)).toBe(30);
    expect(render.environment.variables).toMatchObject({ REMOTION_DELETE_AFTER: '${var.remotion_delete_after}', REMOTION_LICENSE_KEY_PARAM: '${var.remotion_license_key_param}' });
    expect(json.variable.remotion_delete_after.default).toBe('1-day');
  });

  it('runs the sweep every 5 minutes', () => {
    const [ruleName, rule] = find(json, 'aws_cloudwatch_event_rule', (r) => r.schedule_expression !== undefined);
    expect(rule.schedule_expression).toBe('rate(5 minutes)');
    const [sweepName] = lambda(json, 'sweep');
    expect(find(json, 'aws_cloudwatch_event_target', (t) => t.rule === ref('aws_cloudwatch_event_rule', ruleName, 'name'))[1].arn).toBe(ref('aws_lambda_function', sweepName, 'arn'));
  });
});

describe('the functions', () => {
  it.each(['api', 'ltx', 'render', 'sweep'])('%s: Node.js 22 on arm64, its own zip, log group with retention', (handler) => {
    const [, fn] = lambda(json, handler);
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler' });
    expect(fn.filename).toMatch(/^assets\/.+\.zip$/);
    expect(fn.memory_size).toBe(FUNCTION_SPECS[handler as keyof typeof FUNCTION_SPECS].memorySize);
    expect(fn.timeout).toBe(FUNCTION_SPECS[handler as keyof typeof FUNCTION_SPECS].timeout);
    const logGroupName = /aws_cloudwatch_log_group\.([^.]+)\.name/.exec(fn.logging_config.log_group)![1]!;
    expect(json.resource.aws_cloudwatch_log_group[logGroupName]).toMatchObject({ name: `/aws/lambda/\${var.name_prefix}-${handler}`, retention_in_days: '${var.log_retention_days}' });
    expect(fn.environment.variables).toMatchObject({ BUCKET_NAME: bucketRef, SUPABASE_SERVICE_ROLE_KEY_PARAM: '${var.supabase_service_role_key_param}' });
    expect(fn.tracing_config.mode).toBe('${var.tracing_enabled ? "Active" : "PassThrough"}');
  });

  it('gives each function only the settings it reads: only api and render wait on CloudFront, only render knows Remotion', () => {
    const keys = (handler: string) => Object.keys(lambda(json, handler)[1].environment.variables).sort();
    expect(keys('sweep')).toEqual(['BUCKET_NAME', 'EVENT_BUS_NAME', 'STUCK_JOB_MINUTES', 'SUPABASE_SERVICE_ROLE_KEY_PARAM', 'SUPABASE_URL', 'UPLOAD_URL_TTL_SECONDS']);
    expect(keys('ltx')).not.toContain('CDN_BASE_URL');
    expect(keys('ltx')).toContain('LTX_API_KEY_PARAM');
    // The LTX function prices each clip it stores (its job's ltx_cost_usd): "" keeps the built-in prices.
    expect(lambda(json, 'ltx')[1].environment.variables.LTX_PRICES_USD_PER_SECOND).toBe('${var.ltx_prices_usd_per_second}');
    expect(defaultOf(json, '${var.ltx_prices_usd_per_second}')).toBe('');
    // Both clips' models reach the functions that resolve job options (the API at upload, the LTX function for dropped photos).
    for (const handler of ['api', 'ltx']) {
      expect(lambda(json, handler)[1].environment.variables, handler).toMatchObject({ LTX_MODEL: '${var.ltx_model}', LTX_PORTRAIT_MODEL: '${var.ltx_portrait_model}' });
    }
    expect(defaultOf(json, '${var.ltx_portrait_model}')).toBe('ltx-2-3-fast');
    expect(keys('api')).toEqual(expect.arrayContaining(['CDN_BASE_URL', 'ALLOWED_ORIGINS', 'REMOTION_WEBHOOK_SECRET_PARAM', 'SUPABASE_JWT_SECRET_PARAM']));
    for (const handler of ['api', 'ltx', 'sweep']) expect(keys(handler).filter((k) => k.startsWith('REMOTION_') && k !== 'REMOTION_WEBHOOK_SECRET_PARAM' || k === 'RENDERER'), handler).toEqual([]);
    expect(lambda(json, 'render')[1].environment.variables.RENDERER).toBe('lambda');
  });

  it('LTX gets 10 minutes (LTX answers in ~2 min, plus retries); the API stays small', () => {
    // Two clips (landscape, portrait) one after the other: Lambda's ceiling.
    expect(lambda(json, 'ltx')[1].timeout).toBe(900);
    expect(lambda(json, 'api')[1]).toMatchObject({ timeout: 15, memory_size: 512 });
  });

  it('spending guards: guests refused by default, a service-wide daily cap, reserved concurrency for the API and for LTX', () => {
    const [, api] = lambda(json, 'api');
    expect(api.environment.variables).toMatchObject({ ANONYMOUS_JOBS_PER_DAY: '${var.anonymous_jobs_per_day}', MAX_JOBS_PER_DAY_TOTAL: '${var.max_jobs_per_day_total}' });
    expect(defaultOf(json, api.environment.variables.ANONYMOUS_JOBS_PER_DAY)).toBe(0);
    expect(defaultOf(json, api.environment.variables.MAX_JOBS_PER_DAY_TOTAL)).toBe(500);
    expect(api.reserved_concurrent_executions).toBe('${var.api_reserved_concurrency}');
    expect(defaultOf(json, api.reserved_concurrent_executions)).toBe(50);
    // LTX runs at most as many paid calls as the LTX quota, however it is invoked.
    expect(lambda(json, 'ltx')[1].reserved_concurrent_executions).toBe('${var.ltx_concurrency}');
    expect(lambda(json, 'render')[1].reserved_concurrent_executions).toBeUndefined();
  });

  it('the web API is a Function URL with the API’s one CORS policy for the configured origins', () => {
    const [apiName] = lambda(json, 'api');
    const [, url] = only(json, 'aws_lambda_function_url');
    expect(url).toMatchObject({ function_name: ref('aws_lambda_function', apiName, 'function_name'), authorization_type: 'NONE' });
    expect(url.cors).toMatchObject({ allow_origins: '${var.allowed_origins}', allow_methods: ['POST'] });
    expect(url.cors).toMatchObject({ allow_headers: [...API_CORS.allowHeaders], max_age: API_CORS.maxAgeSeconds });
  });

  it('defaults the Remotion function to the name deployFunction gives the installed version at 3008 MB / 10240 MB / 300 s', () => {
    expect(speculateFunctionName(REMOTION_FUNCTION_SPEC)).toBe(DEFAULT_REMOTION_FUNCTION_NAME);
    expect(json.variable.remotion_function_name.default).toBe(DEFAULT_REMOTION_FUNCTION_NAME);
    expect(json.variable.remotion_serve_url.default).toBe('https://remotionlambda-useast1-1w04idkkha.s3.us-east-1.amazonaws.com/sites/myhost-bizmate-video/index.html');
    expect(json.variable.region.default).toBe('us-east-1');
  });
});

describe('the CDN, the bus, alarms and outputs', () => {
  it('CloudFront serves renders/ and thumbnails/ through origin access control', () => {
    const [oacName, oac] = only(json, 'aws_cloudfront_origin_access_control');
    expect(oac).toMatchObject({ origin_access_control_origin_type: 's3', signing_behavior: 'always', signing_protocol: 'sigv4' });
    const [distName, dist] = only(json, 'aws_cloudfront_distribution');
    expect(dist.origin[0]).toMatchObject({ origin_access_control_id: ref('aws_cloudfront_origin_access_control', oacName, 'id'), domain_name: ref('aws_s3_bucket', bucketName, 'bucket_regional_domain_name') });
    expect(dist.ordered_cache_behavior.map((b: { path_pattern: string }) => b.path_pattern)).toEqual(['renders/*', 'thumbnails/*']);
    const [, bucketPolicy] = only(json, 'aws_s3_bucket_policy');
    const docName = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(bucketPolicy.policy)![1]!;
    const cloudfront = json.data.aws_iam_policy_document[docName].statement.find((s: { sid: string }) => s.sid === 'CloudFrontReadsDeliverables');
    expect(cloudfront.resources).toEqual([`${ref('aws_s3_bucket', bucketName, 'arn')}/renders/*`, `${ref('aws_s3_bucket', bucketName, 'arn')}/thumbnails/*`]);
    expect(cloudfront.condition[0].values).toEqual([ref('aws_cloudfront_distribution', distName, 'arn')]);
    expect(lambda(json, 'render')[1].environment.variables.CDN_BASE_URL).toBe(`https://${ref('aws_cloudfront_distribution', distName, 'domain_name')}`);
  });

  it("lets Remotion's role write the deliverables into the pipeline bucket, nothing more", () => {
    const [, bucketPolicy] = only(json, 'aws_s3_bucket_policy');
    const docName = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(bucketPolicy.policy)![1]!;
    const remotion = json.data.aws_iam_policy_document[docName].statement.find((s: { sid: string }) => s.sid === 'RemotionWritesDeliverables');
    expect(remotion.principals[0].identifiers[0]).toBe('${data.aws_iam_role.remotion-role.arn}');
    expect(remotion.resources.map((r: string) => r.split('/').slice(1).join('/'))).toEqual(['renders/*', 'thumbnails/*']);
    expect(json.variable.remotion_role_name.default).toBe('remotion-lambda-role');
  });

  it('has a custom bus for domain events that every function may publish to (and only to it)', () => {
    const [busName, bus] = only(json, 'aws_cloudwatch_event_bus');
    expect(bus.name).toBe('${var.name_prefix}-events');
    for (const handler of ['api', 'ltx', 'render', 'sweep']) {
      expect(lambda(json, handler)[1].environment.variables.EVENT_BUS_NAME).toBe(ref('aws_cloudwatch_event_bus', busName, 'name'));
      const publish = functionStatements(json, handler).filter((s) => s.actions.includes('events:PutEvents'));
      expect(publish.map((s) => s.resources)).toEqual([[ref('aws_cloudwatch_event_bus', busName, 'arn')]]);
    }
  });

  it('alarms to an SNS topic (with the optional e-mail) on DLQs, queue age, errors, throttles, URL 5xx, failed rule deliveries and Remotion errors', () => {
    const [topicName] = only(json, 'aws_sns_topic');
    const [, email] = only(json, 'aws_sns_topic_subscription');
    expect(email).toMatchObject({ protocol: 'email', endpoint: '${var.alarm_email}', count: '${min(length(var.alarm_email), 1)}' });
    const alarms = resources(json, 'aws_cloudwatch_metric_alarm').map(([, a]) => a);
    for (const a of alarms) expect(a.alarm_actions, a.alarm_name).toBe(`\${concat([${ref('aws_sns_topic', topicName, 'arn').slice(2, -1)}], var.alarm_action_arns)}`);
    const by = (metric: string) => alarms.filter((a) => a.metric_name === metric);
    expect(by('ApproximateNumberOfMessagesVisible').map((a) => a.dimensions.QueueName).sort()).toEqual([ref('aws_sqs_queue', queueNamed('ltx-dlq')[0], 'name'), ref('aws_sqs_queue', queueNamed('render-dlq')[0], 'name')].sort());
    expect(by('ApproximateAgeOfOldestMessage').map((a) => a.dimensions.QueueName).sort()).toEqual([ref('aws_sqs_queue', queueNamed('ltx')[0], 'name'), ref('aws_sqs_queue', queueNamed('render')[0], 'name')].sort());
    expect(by('ApproximateAgeOfOldestMessage')[0]!.threshold).toBe('${(var.queue_age_alarm_minutes * 60)}');
    expect(by('Throttles')).toHaveLength(4);
    expect(by('Url5xxCount').map((a) => a.dimensions.FunctionName)).toEqual([ref('aws_lambda_function', lambda(json, 'api')[0], 'function_name')]);
    expect(by('FailedInvocations')).toHaveLength(3);
    const errors = by('Errors');
    expect(errors).toHaveLength(5);
    expect(errors.map((a) => a.dimensions.FunctionName)).toContain('${var.remotion_function_name}');
    expect(json.output.alarm_topic_arn.value).toBe(ref('aws_sns_topic', topicName, 'arn'));
  });

  it('expires photos and clips, and tiers finished videos', () => {
    const rules = only(json, 'aws_s3_bucket_lifecycle_configuration')[1].rule as Array<Record<string, any>>;
    const images = rules.find((r) => r.id === 'expire-images')!;
    expect(images.filter).toEqual([{ prefix: 'images/' }]);
    expect(defaultOf(json, images.expiration[0].days)).toBe(30);
    const renders = rules.find((r) => r.id === 'tier-renders')!;
    expect(renders.filter).toEqual([{ prefix: 'renders/' }]);
    expect(renders.transition[0]).toMatchObject({ storage_class: 'INTELLIGENT_TIERING', days: '${var.renders_tiering_days}' });
  });

  it('outputs the bucket, the upload URL, the CDN domain and the bus', () => {
    expect(Object.keys(json.output)).toEqual(expect.arrayContaining(['bucket_name', 'upload_url', 'cdn_domain', 'event_bus_name']));
    const functionUrl = ref('aws_lambda_function_url', only(json, 'aws_lambda_function_url')[0], 'function_url');
    // The Function URL ends in '/', and the handler answers uploads at /uploads.
    expect(json.output.upload_url.value).toBe(`${functionUrl}uploads`);
    expect(json.output.api_url.value).toBe(functionUrl);
  });

  it('documents every input', () => {
    for (const [name, variable] of Object.entries(json.variable as Record<string, { description?: string }>)) {
      expect(variable.description, name).toMatch(/\w{3,}/);
    }
  });
});
