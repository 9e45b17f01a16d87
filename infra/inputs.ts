import { Fn, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { BUILTIN_JOB_DEFAULTS, FPS_VALUES } from '../shared/domain/job-options';
import { LTX_LANDSCAPE_RESOLUTIONS, LTX_MODELS, LTX_PORTRAIT_MODELS } from '../shared/domain/ltx/ltx-models';
import { LTX_DEFAULT_CONCURRENCY } from '../shared/domain/ltx/ltx-limits';
import { REMOTION_FUNCTION_NAME_PREFIX, REMOTION_VERSION } from './remotion-version';
import { renderConcurrencyLimit } from '../shared/domain/render-capacity';

/**
 * Everything that differs between installations, as Terraform variables: the synthesized JSON stays a
 * plain Terraform configuration that `terraform apply -var ...` (or OpenTofu) can deploy without
 * cdktf. Defaults are the production facts of the original installation (/work/shared/seeds): region
 * us-east-1, the web origin on Vercel, the Remotion site `myhost-bizmate-video` in its bucket.
 * docs/deploy.md lists them with how to override.
 */

/** Remotion's naming of the function `deployFunction` creates (speculateFunctionName), for 4.0.527 at 3008 MB / 10240 MB / 300 s. */
export const REMOTION_FUNCTION_SPEC = { memorySizeInMb: 3008, diskSizeInMb: 10240, timeoutInSeconds: 300 } as const;
/** `speculateFunctionName(REMOTION_FUNCTION_SPEC)` of the installed @remotion/lambda; a test pins the two together. */
export const DEFAULT_REMOTION_FUNCTION_NAME = 'remotion-render-4-0-527-mem3008mb-disk10240mb-300sec';
export const DEFAULT_REMOTION_SERVE_URL =
  'https://remotionlambda-useast1-1w04idkkha.s3.us-east-1.amazonaws.com/sites/myhost-bizmate-video/index.html';

/**
 * Defaults of the inputs that name things made outside the stack (secrets, Remotion): the stack's
 * variables and `npm run deploy:check` (which reads the same TF_VAR_* overrides) share them.
 */
export const OUTSIDE_DEFAULTS = {
  region: 'us-east-1',
  supabaseServiceRoleKeyParam: '/villa-video/supabase-service-role-key',
  supabaseJwtSecretParam: '/villa-video/supabase-jwt-secret',
  ltxApiKeyParam: '/villa-video/ltx-api-key',
  remotionWebhookSecretParam: '/villa-video/remotion-webhook-secret',
  remotionRoleName: 'remotion-lambda-role',
  remotionFunctionName: DEFAULT_REMOTION_FUNCTION_NAME,
  remotionServeUrl: DEFAULT_REMOTION_SERVE_URL,
} as const;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export interface StackInputs {
  region: string;
  namePrefix: string;
  allowedOrigins: string[];
  /** `allowedOrigins` joined with commas, for the ALLOWED_ORIGINS variable. */
  allowedOriginsCsv: string;
  supabaseUrl: string;
  supabaseServiceRoleKeyParam: string;
  supabaseJwtSecretParam: string;
  ltxApiKeyParam: string;
  ltxApiUrl: string;
  ltxPricesUsdPerSecond: string;
  ltxModel: string;
  ltxResolution: string;
  ltxPortraitModel: string;
  ltxFps: number;
  ltxConcurrency: number;
  remotionFunctionName: string;
  remotionServeUrl: string;
  /** The Remotion site's origin (scheme and host of `remotionServeUrl`): the page that reads the clip during a render. */
  remotionSiteOrigin: string;
  remotionRoleName: string;
  ltxVideosExpirationDays: number;
  logRetentionDays: number;
  maxJobsPerDay: number;
  anonymousJobsPerDay: number;
  maxJobsPerDayTotal: number;
  apiReservedConcurrency: number;
  operatorUserId: string;
  uploadUrlTtlSeconds: number;
  stuckJobMinutes: number;
  alarmActionArns: string[];
  cdnPriceClass: string;
  alarmEmail: string;
  queueAgeAlarmMinutes: number;
  tracingEnabled: boolean;
  imagesExpirationDays: number;
  rendersTieringDays: number;
  remotionWebhookSecretParam: string;
  remotionLicenseKeyParam: string;
  remotionDeleteAfter: string;
  maxConcurrentRenders: number;
  renderStartConcurrency: number;
}

interface Validation {
  condition: string;
  errorMessage: string;
}

/** In Terraform's JSON syntax an expression is a string template: a bare `a >= 2` would be a string, not a bool. */
function expression(v: Validation): Validation {
  return { condition: `\${${v.condition}}`, errorMessage: v.errorMessage };
}

const SSM_NAME = 'can(regex("^/[A-Za-z0-9_./-]+$", var.NAME))';

function ssmParamVariable(scope: Construct, id: string, description: string, fallback: string, options: { optional?: boolean } = {}): TerraformVariable {
  const named = SSM_NAME.replace('NAME', id);
  return new TerraformVariable(scope, id, {
    type: 'string',
    default: fallback,
    description: `${description} The NAME of an SSM SecureString parameter the operator creates (aws ssm put-parameter); the function reads its value at cold start. Never the value itself.${options.optional ? ' Empty ("") for none.' : ''}`,
    validation: [
      expression({
        condition: options.optional ? `var.${id} == "" || ${named}` : named,
        errorMessage: `${id} must be an SSM parameter name starting with "/"${options.optional ? ', or ""' : ''}.`,
      }),
    ],
  });
}

export function defineInputs(scope: Construct): StackInputs {
  const str = (id: string, description: string, fallback?: string, validation?: Validation) =>
    new TerraformVariable(scope, id, { type: 'string', description, ...(fallback === undefined ? {} : { default: fallback }), ...(validation ? { validation: [expression(validation)] } : {}) });
  const num = (id: string, description: string, fallback: number, validation?: Validation) =>
    new TerraformVariable(scope, id, { type: 'number', description, default: fallback, ...(validation ? { validation: [expression(validation)] } : {}) });

  const region = str('region', 'AWS region of the whole stack. Remotion Lambda must run in the same region as the bucket it writes to.', OUTSIDE_DEFAULTS.region);
  const namePrefix = str('name_prefix', 'Prefix of every resource name (functions, queues, bus, roles).', 'villa-video', {
    condition: 'can(regex("^[a-z][a-z0-9-]{1,23}$", var.name_prefix))',
    errorMessage: 'name_prefix must be 2-24 characters: lower-case letters, digits and hyphens, starting with a letter.',
  });
  const allowedOrigins = new TerraformVariable(scope, 'allowed_origins', {
    type: 'list(string)',
    default: ['https://myhost-bizmate.vercel.app'],
    description: 'Web origins allowed by the bucket CORS (the presigned PUT) and the API URL CORS, e.g. ["https://myhost-bizmate.vercel.app", "http://localhost:5173"].',
    validation: [
      expression({
        condition: 'length(var.allowed_origins) > 0 && alltrue([for o in var.allowed_origins : can(regex("^https?://[^/*]+$", o))])',
        errorMessage: 'allowed_origins must be a non-empty list of origins like https://example.com (scheme and host, no path, no "*").',
      }),
    ],
  });
  const supabaseUrl = str('supabase_url', 'URL of the Supabase project, e.g. https://abcd.supabase.co. Required: no default can point at your project.', undefined, {
    condition: 'can(regex("^https://", var.supabase_url))',
    errorMessage: 'supabase_url must start with https://.',
  });
  const serviceRole = ssmParamVariable(scope, 'supabase_service_role_key_param', 'Supabase service-role key (the handlers write jobs and videos with it).', OUTSIDE_DEFAULTS.supabaseServiceRoleKeyParam);
  const jwtSecret = ssmParamVariable(
    scope,
    'supabase_jwt_secret_param',
    "Supabase legacy JWT secret (HS256), for projects whose user tokens are not signed with the project's asymmetric (JWKS) keys. A project on asymmetric keys needs none: set \"\" and the API verifies tokens with the project's JWKS only.",
    OUTSIDE_DEFAULTS.supabaseJwtSecretParam,
    { optional: true },
  );
  const ltxKey = ssmParamVariable(scope, 'ltx_api_key_param', 'LTX-2 API key (docs.ltx.video).', OUTSIDE_DEFAULTS.ltxApiKeyParam);
  const ltxApiUrl = str('ltx_api_url', 'LTX-2 API base URL.', 'https://api.ltx.video');
  const ltxPrices = str(
    'ltx_prices_usd_per_second',
    'LTX-2 prices in US dollars per second of output video, as JSON over the built-in table (shared/domain/ltx/ltx-prices.ts), e.g. {"ltx-2-pro":{"1920x1080":0.06}}; each job records its clip\'s cost from them. "" keeps the built-in prices.',
    '',
    { condition: 'var.ltx_prices_usd_per_second == "" || can(jsondecode(var.ltx_prices_usd_per_second))', errorMessage: 'ltx_prices_usd_per_second must be "" or JSON such as {"ltx-2-pro":{"1920x1080":0.06}}.' },
  );
  const ltxModel = str('ltx_model', `LTX model of the landscape (16:9) clip: ${LTX_MODELS.join(', ')}.`, BUILTIN_JOB_DEFAULTS.model, {
    condition: `contains(${JSON.stringify(LTX_MODELS)}, var.ltx_model)`,
    errorMessage: `ltx_model must be one of ${LTX_MODELS.join(', ')}.`,
  });
  const ltxResolution = str('ltx_resolution', `Default LTX-2 resolution of the landscape (16:9) clip: ${LTX_LANDSCAPE_RESOLUTIONS.join(', ')}.`, BUILTIN_JOB_DEFAULTS.resolution, {
    condition: `contains(${JSON.stringify(LTX_LANDSCAPE_RESOLUTIONS)}, var.ltx_resolution)`,
    errorMessage: `ltx_resolution must be one of ${LTX_LANDSCAPE_RESOLUTIONS.join(', ')}.`,
  });
  const ltxPortraitModel = str(
    'ltx_portrait_model',
    `LTX model of the portrait clip (1080x1920) that 9:16, 4:5 and 1:1 videos are made from: one that generates portrait natively, ${LTX_PORTRAIT_MODELS.join(' or ')}.`,
    BUILTIN_JOB_DEFAULTS.portraitModel,
    {
      condition: `contains(${JSON.stringify(LTX_PORTRAIT_MODELS)}, var.ltx_portrait_model)`,
      errorMessage: `ltx_portrait_model must be one of ${LTX_PORTRAIT_MODELS.join(', ')} (a model that makes portrait video).`,
    },
  );
  const ltxFps = num('ltx_fps', `Default LTX-2 frame rate: ${FPS_VALUES.join(' or ')}.`, BUILTIN_JOB_DEFAULTS.fps, {
    condition: `contains(${JSON.stringify(FPS_VALUES)}, var.ltx_fps)`,
    errorMessage: `ltx_fps must be one of ${FPS_VALUES.join(', ')}.`,
  });
  const ltxConcurrency = num(
    'ltx_concurrency',
    'Concurrent LTX-2 generations your LTX account allows (its quota counts concurrent requests). The images/ queue feeds the LTX function with at most this many at once; a burst waits in the queue. SQS event sources accept 2 to 1000.',
    LTX_DEFAULT_CONCURRENCY,
    { condition: 'var.ltx_concurrency >= 2 && var.ltx_concurrency <= 1000 && floor(var.ltx_concurrency) == var.ltx_concurrency', errorMessage: 'ltx_concurrency must be a whole number from 2 to 1000 (the limits of an SQS event source\'s maximum concurrency).' },
  );
  // Remotion names its functions after the version that deployed them; a client of another version is
  // refused at render time, so a wrong version fails the plan here instead of the first video.
  const remotionFunctionName = str('remotion_function_name', `Name of the Remotion Lambda function (printed by \`npm run deploy:remotion\`). It must be a function of the installed @remotion/lambda version, ${REMOTION_VERSION}: its name starts with ${REMOTION_FUNCTION_NAME_PREFIX}.`, DEFAULT_REMOTION_FUNCTION_NAME, {
    condition: `can(regex("^[A-Za-z0-9_-]{1,64}$", var.remotion_function_name)) && startswith(var.remotion_function_name, "${REMOTION_FUNCTION_NAME_PREFIX}")`,
    errorMessage: `remotion_function_name must name a Remotion function of version ${REMOTION_VERSION} (the installed @remotion/lambda), i.e. start with "${REMOTION_FUNCTION_NAME_PREFIX}". Run \`npm run deploy:remotion\` and pass the name it prints.`,
  });
  const remotionServeUrl = str('remotion_serve_url', 'Serve URL of the deployed Remotion site (printed by `npm run deploy:remotion`).', DEFAULT_REMOTION_SERVE_URL, {
    condition: 'can(regex("^https://", var.remotion_serve_url))',
    errorMessage: 'remotion_serve_url must start with https://.',
  });
  const remotionRoleName = str('remotion_role_name', 'IAM role the Remotion function runs as (Remotion\'s setup names it remotion-lambda-role). The bucket policy lets it write renders/ and thumbnails/.', OUTSIDE_DEFAULTS.remotionRoleName);
  const ltxVideosExpirationDays = num('ltx_videos_expiration_days', 'Days after which the intermediate ltx-videos/ clips are deleted.', 7, {
    condition: 'var.ltx_videos_expiration_days >= 1',
    errorMessage: 'ltx_videos_expiration_days must be at least 1.',
  });
  const logRetentionDays = num('log_retention_days', 'Retention of the functions\' CloudWatch log groups, in days.', 30, {
    condition: `contains(${JSON.stringify(LOG_RETENTION_DAYS)}, var.log_retention_days)`,
    errorMessage: `log_retention_days must be one of CloudWatch's periods: ${LOG_RETENTION_DAYS.join(', ')}.`,
  });
  const maxJobsPerDay = num('max_jobs_per_day', 'Videos one user may start per day (the API refuses more).', 50, { condition: 'var.max_jobs_per_day >= 0', errorMessage: 'max_jobs_per_day must be >= 0.' });
  const anonymousJobsPerDay = num(
    'anonymous_jobs_per_day',
    'Videos one anonymous (guest) Supabase user may start per day. 0 (the default) refuses guests with 403: an anonymous user costs nothing to create, so with anonymous sign-ins enabled each guest would be a fresh quota of paid LTX generations. Raise it only for a demo.',
    0,
    { condition: 'var.anonymous_jobs_per_day >= 0', errorMessage: 'anonymous_jobs_per_day must be >= 0.' },
  );
  const maxJobsPerDayTotal = num(
    'max_jobs_per_day_total',
    'Videos all users together may start per day through the API (429 past it): the ceiling on daily LTX spend, on top of the per-user limits. 0 removes the ceiling.',
    500,
    { condition: 'var.max_jobs_per_day_total >= 0', errorMessage: 'max_jobs_per_day_total must be >= 0.' },
  );
  const apiReservedConcurrency = num(
    'api_reserved_concurrency',
    "Reserved concurrency of the API function: its most concurrent invocations, so a flood of requests cannot take the account's whole Lambda concurrency from the pipeline's functions.",
    50,
    { condition: 'var.api_reserved_concurrency >= 1 && floor(var.api_reserved_concurrency) == var.api_reserved_concurrency', errorMessage: 'api_reserved_concurrency must be a whole number, at least 1.' },
  );
  const operatorUserId = str('operator_user_id', 'Supabase user id that owns photos dropped into images/ by hand (no upload request, no user).', '00000000-0000-4000-8000-000000000001', {
    condition: 'can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.operator_user_id))',
    errorMessage: 'operator_user_id must be a UUID.',
  });
  const uploadUrlTtlSeconds = num('upload_url_ttl_seconds', 'Lifetime of a presigned upload URL, seconds (30-3600).', 300, {
    condition: 'var.upload_url_ttl_seconds >= 30 && var.upload_url_ttl_seconds <= 3600',
    errorMessage: 'upload_url_ttl_seconds must be from 30 to 3600.',
  });
  const stuckJobMinutes = num('stuck_job_minutes', 'A job that has not moved for this many minutes is redriven from its last artefact, or failed, by the sweep.', 15, { condition: 'var.stuck_job_minutes >= 1', errorMessage: 'stuck_job_minutes must be at least 1.' });
  const alarmActionArns = new TerraformVariable(scope, 'alarm_action_arns', {
    type: 'list(string)',
    default: [],
    description: 'ARNs notified when an alarm fires, besides the stack\'s own alarm topic (which alarm_email subscribes to).',
  });
  const cdnPriceClass = str('cdn_price_class', 'CloudFront price class: PriceClass_100 (North America, Europe), PriceClass_200, PriceClass_All.', 'PriceClass_100', {
    condition: 'contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.cdn_price_class)',
    errorMessage: 'cdn_price_class must be PriceClass_100, PriceClass_200 or PriceClass_All.',
  });

  const alarmEmail = str('alarm_email', 'E-mail address subscribed to the alarm topic (it must confirm the subscription AWS mails). "" for none: the alarms then only show in the console and reach alarm_action_arns.', '', {
    condition: 'var.alarm_email == "" || can(regex("^[^@ ]+@[^@ ]+\\.[^@ ]+$", var.alarm_email))',
    errorMessage: 'alarm_email must be an e-mail address, or "".',
  });
  const queueAgeAlarmMinutes = num('queue_age_alarm_minutes', 'Alarm when the oldest photo or clip has waited this long in its queue (the backlog outgrows LTX or render capacity).', 30, {
    condition: 'var.queue_age_alarm_minutes >= 5',
    errorMessage: 'queue_age_alarm_minutes must be at least 5.',
  });
  const tracingEnabled = new TerraformVariable(scope, 'tracing_enabled', { type: 'bool', default: true, description: 'X-Ray active tracing on the four functions (a few cents per 100,000 traces beyond the free tier).' });
  const imagesExpirationDays = num('images_expiration_days', 'Days after which source photos under images/ are deleted (a replay needs the photo: keep it as long as users may replay).', 30, {
    condition: 'var.images_expiration_days >= 1',
    errorMessage: 'images_expiration_days must be at least 1.',
  });
  const rendersTieringDays = num('renders_tiering_days', 'Days after which finished videos under renders/ move to S3 Intelligent-Tiering (cheaper once nobody watches them; same URL, same latency).', 30, {
    condition: 'var.renders_tiering_days >= 0',
    errorMessage: 'renders_tiering_days must be >= 0.',
  });
  const remotionWebhookSecret = ssmParamVariable(scope, 'remotion_webhook_secret_param', 'Secret that signs Remotion\'s render webhooks (random, at least 16 characters; e.g. openssl rand -hex 32). Read by the render function (to give Remotion) and the API (to verify).', OUTSIDE_DEFAULTS.remotionWebhookSecretParam);
  const remotionLicenseKey = ssmParamVariable(scope, 'remotion_license_key_param', 'Remotion company licence key (remotion.pro), passed to every render. Companies of more than 3 people need a licence.', '', { optional: true });
  const remotionDeleteAfter = str('remotion_delete_after', "Remotion's own render files (progress, chunks) in its bucket expire after this: 1-day, 3-days, 7-days or 30-days (needs the lifecycle rules of `npx remotion lambda buckets lifecycle`); \"\" keeps them.", '1-day', {
    condition: 'contains(["", "1-day", "3-days", "7-days", "30-days"], var.remotion_delete_after)',
    errorMessage: 'remotion_delete_after must be 1-day, 3-days, 7-days, 30-days or "".',
  });
  const maxConcurrentRenders = num('max_concurrent_renders', `Remotion renders in flight at once. Each fans out to up to ~30 Lambda functions from the account's concurrency (1000 by default); the default leaves 100 for everything else: ${renderConcurrencyLimit()}.`, renderConcurrencyLimit(), {
    condition: 'var.max_concurrent_renders >= 1 && var.max_concurrent_renders <= 1000',
    errorMessage: 'max_concurrent_renders must be from 1 to 1000.',
  });
  const renderStartConcurrency = num('render_start_concurrency', 'Render functions starting renders at once (each start takes seconds; SQS event sources accept 2 to 1000).', 2, {
    condition: 'var.render_start_concurrency >= 2 && var.render_start_concurrency <= 1000',
    errorMessage: 'render_start_concurrency must be from 2 to 1000.',
  });

  return {
    region: region.stringValue,
    namePrefix: namePrefix.stringValue,
    allowedOrigins: allowedOrigins.listValue,
    allowedOriginsCsv: Fn.join(',', allowedOrigins.listValue),
    supabaseUrl: supabaseUrl.stringValue,
    supabaseServiceRoleKeyParam: serviceRole.stringValue,
    supabaseJwtSecretParam: jwtSecret.stringValue,
    ltxApiKeyParam: ltxKey.stringValue,
    ltxApiUrl: ltxApiUrl.stringValue,
    ltxPricesUsdPerSecond: ltxPrices.stringValue,
    ltxModel: ltxModel.stringValue,
    ltxResolution: ltxResolution.stringValue,
    ltxPortraitModel: ltxPortraitModel.stringValue,
    ltxFps: ltxFps.numberValue,
    ltxConcurrency: ltxConcurrency.numberValue,
    remotionFunctionName: remotionFunctionName.stringValue,
    remotionServeUrl: remotionServeUrl.stringValue,
    remotionSiteOrigin: Fn.regex('^https://[^/]+', remotionServeUrl.stringValue),
    remotionRoleName: remotionRoleName.stringValue,
    ltxVideosExpirationDays: ltxVideosExpirationDays.numberValue,
    logRetentionDays: logRetentionDays.numberValue,
    maxJobsPerDay: maxJobsPerDay.numberValue,
    anonymousJobsPerDay: anonymousJobsPerDay.numberValue,
    maxJobsPerDayTotal: maxJobsPerDayTotal.numberValue,
    apiReservedConcurrency: apiReservedConcurrency.numberValue,
    operatorUserId: operatorUserId.stringValue,
    uploadUrlTtlSeconds: uploadUrlTtlSeconds.numberValue,
    stuckJobMinutes: stuckJobMinutes.numberValue,
    alarmActionArns: alarmActionArns.listValue,
    cdnPriceClass: cdnPriceClass.stringValue,
    alarmEmail: alarmEmail.stringValue,
    queueAgeAlarmMinutes: queueAgeAlarmMinutes.numberValue,
    tracingEnabled: tracingEnabled.booleanValue as unknown as boolean,
    imagesExpirationDays: imagesExpirationDays.numberValue,
    rendersTieringDays: rendersTieringDays.numberValue,
    remotionWebhookSecretParam: remotionWebhookSecret.stringValue,
    remotionLicenseKeyParam: remotionLicenseKey.stringValue,
    remotionDeleteAfter: remotionDeleteAfter.stringValue,
    maxConcurrentRenders: maxConcurrentRenders.numberValue,
    renderStartConcurrency: renderStartConcurrency.numberValue,
  };
}
