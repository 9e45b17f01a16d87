import { z } from 'zod';
import { ConfigError } from './domain/errors';
import { describeZodIssues } from './domain/format-zod-error';
import { CAMERA_MOTIONS, DURATIONS, BUILTIN_JOB_DEFAULTS, type JobDefaults } from './domain/job-options';
import { ltxClipPlan } from './domain/ltx/ltx-clip-plan';
import { LTX_LANDSCAPE_RESOLUTIONS, LTX_MODEL_SPECS, LTX_MODELS, LTX_PORTRAIT_MODELS, LTX_RESOLUTIONS, modelCombinationProblem, supportsPortrait } from './domain/ltx/ltx-models';
import { LTX_PRICES_USD_PER_SECOND, type LtxPriceTable } from './domain/ltx/ltx-prices';
import { MUSIC_FILES } from './domain/music';
import { renderConcurrencyLimit } from './domain/render-capacity';
import { BUILTIN_DEFAULT_FORMATS, parseFormatList, type VideoFormat } from './domain/video-formats';

/**
 * The one module that reads `process.env`. Everything else receives a typed `PipelineConfig`.
 * Secrets come either as plain values (local stack, tests) or as SSM parameter names (`*_PARAM`,
 * the deployed stack), resolved once per cold start by `resolveSecrets`.
 */
/** The deployed stack passes an optional setting it has no value for as "" (Terraform has no "unset" in a map). */
const emptyIsUnset = (v: unknown) => (v === '' ? undefined : v);

const DEFAULT_ALLOWED_ORIGINS = '*';

const envSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  BUCKET_NAME: z.string().min(3),
  S3_ENDPOINT: z.url().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  SUPABASE_URL: z.url(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().optional(),
  SUPABASE_SERVICE_ROLE_KEY_PARAM: z.string().optional(),
  SUPABASE_JWT_SECRET: z.string().optional(),
  SUPABASE_JWT_SECRET_PARAM: z.string().optional(),
  /** Only where Supabase Auth writes another `iss` than `${SUPABASE_URL}/auth/v1` (e.g. behind a custom domain). */
  SUPABASE_JWT_ISSUER: z.url().optional(),
  LTX_API_URL: z.url().default('https://api.ltx.video'),
  LTX_API_KEY: z.string().optional(),
  LTX_API_KEY_PARAM: z.string().optional(),
  LTX_MODEL: z.enum(LTX_MODELS).default(BUILTIN_JOB_DEFAULTS.model),
  LTX_RESOLUTION: z.enum(LTX_LANDSCAPE_RESOLUTIONS).default(BUILTIN_JOB_DEFAULTS.resolution),
  /** The model of the portrait clip (9:16, 4:5, 1:1): one that makes 1080x1920 natively (ltx-models.ts). */
  LTX_PORTRAIT_MODEL: z.preprocess(
    emptyIsUnset,
    z.enum(LTX_MODELS).refine(supportsPortrait, `must be a model that makes portrait video: ${LTX_PORTRAIT_MODELS.join(', ')}`).optional(),
  ),
  LTX_FPS: z.coerce.number().pipe(z.union([z.literal(25), z.literal(50)])).default(BUILTIN_JOB_DEFAULTS.fps),
  LTX_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(900).default(180),
  /** JSON, e.g. {"ltx-2-pro":{"3840x2160":0.2}}: US dollars per second of output video, over the built-in table. */
  LTX_PRICES_USD_PER_SECOND: z.preprocess(emptyIsUnset, z.string().optional()),
  DEFAULT_CAMERA_MOTION: z.enum(CAMERA_MOTIONS).default(BUILTIN_JOB_DEFAULTS.cameraMotion),
  DEFAULT_MUSIC_FILE: z.enum(MUSIC_FILES).default(BUILTIN_JOB_DEFAULTS.musicFile as (typeof MUSIC_FILES)[number]),
  /** A comma list, e.g. `16:9,9:16`: the formats a job makes when its request names none. */
  DEFAULT_FORMATS: z.preprocess(emptyIsUnset, z.string().optional()),
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  EVENTBRIDGE_ENDPOINT: z.url().optional(),
  SQS_ENDPOINT: z.url().optional(),
  LTX_QUEUE_URL: z.url().optional(),
  LTX_DEAD_LETTER_QUEUE_URL: z.url().optional(),
  RENDER_DEAD_LETTER_QUEUE_URL: z.url().optional(),
  PUBLIC_MEDIA_BASE_URL: z.url().optional(),
  CDN_BASE_URL: z.url().optional(),
  RENDERER: z.enum(['local', 'lambda']).default('local'),
  /** Renders every format at this fraction of its size (tests and previews: 0.1666 gives 320x180 for 16:9); default 1. */
  RENDER_SCALE: z.coerce.number().gt(0).max(1).optional(),
  /** Replaced by RENDER_SCALE (one size cannot fit every format): refused with a message saying so. */
  RENDER_WIDTH: z.string().optional(),
  RENDER_HEIGHT: z.string().optional(),
  REMOTION_FUNCTION_NAME: z.string().optional(),
  REMOTION_SERVE_URL: z.string().optional(),
  REMOTION_REGION: z.string().optional(),
  REMOTION_BROWSER_EXECUTABLE: z.string().optional(),
  ALLOWED_ORIGINS: z.string().default(DEFAULT_ALLOWED_ORIGINS),
  MAX_JOBS_PER_DAY: z.coerce.number().int().min(0).default(50),
  ANONYMOUS_JOBS_PER_DAY: z.coerce.number().int().min(0).default(0),
  MAX_JOBS_PER_DAY_TOTAL: z.coerce.number().int().min(0).default(500),
  OPERATOR_USER_ID: z.uuid().default('00000000-0000-4000-8000-000000000001'),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  STUCK_JOB_MINUTES: z.coerce.number().int().min(1).default(15),
  MAX_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  MAX_CONCURRENT_RENDERS: z.coerce.number().int().min(1).max(1000).default(renderConcurrencyLimit()),
  REMOTION_WEBHOOK_URL: z.url().optional(),
  REMOTION_WEBHOOK_SECRET: z.string().min(16).optional(),
  REMOTION_WEBHOOK_SECRET_PARAM: z.string().optional(),
  REMOTION_DELETE_AFTER: z.preprocess(emptyIsUnset, z.enum(['1-day', '3-days', '7-days', '30-days']).optional()),
  REMOTION_LICENSE_KEY: z.string().optional(),
  REMOTION_LICENSE_KEY_PARAM: z.string().optional(),
});

export interface PipelineConfig {
  region: string;
  bucket: string;
  s3: { endpoint: string | undefined; accessKeyId: string | undefined; secretAccessKey: string | undefined };
  /** `issuer`: the `iss` of the project's access tokens (`${url}/auth/v1`), checked with `aud` = authenticated. */
  supabase: { url: string; serviceRoleKey: SecretRef; jwtSecret: SecretRef | undefined; jwksUrl: string; issuer: string };
  ltx: { apiUrl: string; apiKey: SecretRef | undefined; timeoutMs: number };
  jobDefaults: JobDefaults;
  /** What LTX charges per second of output video, by model and resolution: the job's recorded LTX cost. */
  ltxPrices: LtxPriceTable;
  eventBus: { name: string; endpoint: string | undefined };
  /** SQS, for the operator's dead-letter commands (the functions receive their messages from Lambda). */
  queues: { endpoint: string | undefined; ltxUrl: string | undefined; ltxDeadLetterUrl: string | undefined; renderDeadLetterUrl: string | undefined };
  /** Base URL under which `renders/` and `thumbnails/` keys are served (CloudFront, or the local stack's /media/). */
  publicMediaBaseUrl: string | undefined;
  /** Every format renders at this fraction of its delivered size (tests render small); undefined: full size. */
  renderScale: number | undefined;
  renderer:
    | { kind: 'local'; browserExecutable: string | undefined }
    | { kind: 'lambda'; functionName: string; serveUrl: string; region: string };
  allowedOrigins: string[];
  /** Videos one signed-in user may start in 24 hours (0: no limit). */
  maxJobsPerDay: number;
  /** Videos one anonymous (guest) user may start in 24 hours; 0 refuses anonymous users outright. */
  anonymousJobsPerDay: number;
  /** Videos all users together may start in 24 hours through the API: the ceiling on LTX spend (0: no ceiling). */
  maxJobsPerDayTotal: number;
  operatorUserId: string;
  uploadUrlTtlSeconds: number;
  stuckJobMinutes: number;
  maxJobAttempts: number;
  /** Renders admitted at once (shared/domain/render-capacity.ts). */
  maxConcurrentRenders: number;
  /** Where renders report their end (the web API's POST /webhooks/remotion), and the secret that signs the report. */
  renderWebhook: { url: string | undefined; secret: SecretRef | undefined };
  /** Remotion Lambda's own render files expire after this (its `deleteAfter`); its licence key, when the company needs one. */
  remotion: { deleteAfter: '1-day' | '3-days' | '7-days' | '30-days' | undefined; licenseKey: SecretRef | undefined };
}

/** A secret given either as its value or as the name of an SSM SecureString parameter. */
export type SecretRef = { value: string } | { ssmParameter: string };

function secretRef(name: string, value: string | undefined, param: string | undefined): SecretRef | undefined {
  if (value && param) throw new ConfigError(`${name} and ${name}_PARAM are both set: set only one`);
  if (value) return { value };
  if (param) return { ssmParameter: param };
  return undefined;
}

const priceOverrideSchema = z.partialRecord(z.enum(LTX_MODELS), z.partialRecord(z.enum(LTX_RESOLUTIONS), z.number().nonnegative().max(100)));

/** The built-in LTX price table with the deployment's overrides (only the prices it names) laid over it. */
function defaultFormats(list: string | undefined): VideoFormat[] {
  if (list === undefined) return [...BUILTIN_DEFAULT_FORMATS];
  try {
    return parseFormatList(list);
  } catch (err) {
    throw new ConfigError(`DEFAULT_FORMATS: ${(err as Error).message}`);
  }
}

/**
 * The deployment's models must make every clip a user may ask for (each duration, both orientations)
 * at its resolution and fps: refused at start-up, not job by job at LTX's door.
 */
function checkedClipSettings(defaults: JobDefaults): JobDefaults {
  for (const orientation of ['landscape', 'portrait'] as const) {
    for (const duration of DURATIONS) {
      const clip = ltxClipPlan({ ...defaults, duration }, orientation);
      const problem = modelCombinationProblem(clip);
      if (problem) {
        const settings = orientation === 'landscape' ? 'LTX_MODEL, LTX_RESOLUTION and LTX_FPS' : 'LTX_PORTRAIT_MODEL and LTX_FPS';
        throw new ConfigError(`invalid configuration: ${settings} do not go together (${clip.model} for ${orientation} clips of ${duration} s): ${problem.message}`);
      }
    }
  }
  return defaults;
}

function ltxPrices(json: string | undefined): LtxPriceTable {
  if (json === undefined) return LTX_PRICES_USD_PER_SECOND;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConfigError(`invalid configuration: LTX_PRICES_USD_PER_SECOND is not JSON (expected e.g. {"ltx-2-pro":{"1920x1080":0.06}})`);
  }
  const parsed = priceOverrideSchema.safeParse(value);
  if (!parsed.success) throw new ConfigError(`invalid configuration: LTX_PRICES_USD_PER_SECOND: ${describeZodIssues(parsed.error)}`);
  for (const [model, prices] of Object.entries(parsed.data) as Array<[keyof typeof LTX_MODEL_SPECS, Record<string, number>]>) {
    const sizes: readonly string[] = LTX_MODEL_SPECS[model].resolutions;
    const unknown = Object.keys(prices).filter((resolution) => !sizes.includes(resolution));
    if (unknown.length) throw new ConfigError(`invalid configuration: LTX_PRICES_USD_PER_SECOND: ${model} makes no ${unknown.join(', ')} video (it makes ${sizes.join(', ')})`);
  }
  const table = structuredClone(LTX_PRICES_USD_PER_SECOND);
  for (const model of LTX_MODELS) Object.assign(table[model], parsed.data[model]);
  return table;
}

/**
 * ALLOWED_ORIGINS, comma-separated: the pages that may call the API and upload photos to the bucket
 * (the API's CORS and the bucket's PUT rule take the same list, in AWS and in the local stack).
 */
export function parseAllowedOrigins(csv: string = DEFAULT_ALLOWED_ORIGINS): string[] {
  return csv.split(',').map((o) => o.trim()).filter(Boolean);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): PipelineConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration: ${describeZodIssues(parsed.error)}`);
  }
  const e = parsed.data;
  const serviceRoleKey = secretRef('SUPABASE_SERVICE_ROLE_KEY', e.SUPABASE_SERVICE_ROLE_KEY, e.SUPABASE_SERVICE_ROLE_KEY_PARAM);
  if (!serviceRoleKey) throw new ConfigError('SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_SERVICE_ROLE_KEY_PARAM) is required');
  if (e.RENDER_WIDTH || e.RENDER_HEIGHT) {
    throw new ConfigError('RENDER_WIDTH and RENDER_HEIGHT were replaced by RENDER_SCALE, a fraction of each format\'s size (e.g. RENDER_SCALE=0.1666 renders 16:9 at 320x180 and 9:16 at 180x320)');
  }
  const supabaseUrl = e.SUPABASE_URL.replace(/\/+$/, '');
  let renderer: PipelineConfig['renderer'];
  if (e.RENDERER === 'lambda') {
    if (!e.REMOTION_FUNCTION_NAME || !e.REMOTION_SERVE_URL) {
      throw new ConfigError('RENDERER=lambda needs REMOTION_FUNCTION_NAME and REMOTION_SERVE_URL');
    }
    renderer = { kind: 'lambda', functionName: e.REMOTION_FUNCTION_NAME, serveUrl: e.REMOTION_SERVE_URL, region: e.REMOTION_REGION ?? e.AWS_REGION };
  } else {
    renderer = { kind: 'local', browserExecutable: e.REMOTION_BROWSER_EXECUTABLE };
  }
  return {
    region: e.AWS_REGION,
    bucket: e.BUCKET_NAME,
    s3: { endpoint: e.S3_ENDPOINT, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY },
    supabase: {
      url: supabaseUrl,
      serviceRoleKey,
      jwtSecret: secretRef('SUPABASE_JWT_SECRET', e.SUPABASE_JWT_SECRET, e.SUPABASE_JWT_SECRET_PARAM),
      jwksUrl: `${supabaseUrl}/auth/v1/.well-known/jwks.json`,
      issuer: e.SUPABASE_JWT_ISSUER ?? `${supabaseUrl}/auth/v1`,
    },
    ltx: { apiUrl: e.LTX_API_URL, apiKey: secretRef('LTX_API_KEY', e.LTX_API_KEY, e.LTX_API_KEY_PARAM), timeoutMs: e.LTX_TIMEOUT_SECONDS * 1000 },
    jobDefaults: checkedClipSettings({
      ...BUILTIN_JOB_DEFAULTS,
      cameraMotion: e.DEFAULT_CAMERA_MOTION,
      musicFile: e.DEFAULT_MUSIC_FILE,
      formats: defaultFormats(e.DEFAULT_FORMATS),
      model: e.LTX_MODEL,
      resolution: e.LTX_RESOLUTION,
      portraitModel: e.LTX_PORTRAIT_MODEL ?? BUILTIN_JOB_DEFAULTS.portraitModel,
      fps: e.LTX_FPS,
    }),
    ltxPrices: ltxPrices(e.LTX_PRICES_USD_PER_SECOND),
    eventBus: { name: e.EVENT_BUS_NAME, endpoint: e.EVENTBRIDGE_ENDPOINT },
    queues: { endpoint: e.SQS_ENDPOINT, ltxUrl: e.LTX_QUEUE_URL, ltxDeadLetterUrl: e.LTX_DEAD_LETTER_QUEUE_URL, renderDeadLetterUrl: e.RENDER_DEAD_LETTER_QUEUE_URL },
    publicMediaBaseUrl: e.CDN_BASE_URL ?? e.PUBLIC_MEDIA_BASE_URL,
    renderScale: e.RENDER_SCALE,
    renderer,
    allowedOrigins: parseAllowedOrigins(e.ALLOWED_ORIGINS),
    maxJobsPerDay: e.MAX_JOBS_PER_DAY,
    anonymousJobsPerDay: e.ANONYMOUS_JOBS_PER_DAY,
    maxJobsPerDayTotal: e.MAX_JOBS_PER_DAY_TOTAL,
    operatorUserId: e.OPERATOR_USER_ID,
    uploadUrlTtlSeconds: e.UPLOAD_URL_TTL_SECONDS,
    stuckJobMinutes: e.STUCK_JOB_MINUTES,
    maxJobAttempts: e.MAX_JOB_ATTEMPTS,
    maxConcurrentRenders: e.MAX_CONCURRENT_RENDERS,
    renderWebhook: { url: e.REMOTION_WEBHOOK_URL, secret: secretRef('REMOTION_WEBHOOK_SECRET', e.REMOTION_WEBHOOK_SECRET, e.REMOTION_WEBHOOK_SECRET_PARAM) },
    remotion: { deleteAfter: e.REMOTION_DELETE_AFTER, licenseKey: secretRef('REMOTION_LICENSE_KEY', e.REMOTION_LICENSE_KEY, e.REMOTION_LICENSE_KEY_PARAM) },
  };
}
