import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, parseAllowedOrigins, type PipelineConfig } from '../shared/config';
import { type Logger } from '../shared/ports/logger';
import { createReadableLogger } from '../shared/adapters/readable-logger';
import { createPipelineClients, createTokenVerifier, createVideoGenerator } from '../shared/composition/pipeline-clients';
import { sweepStuckJobs } from '../shared/pipeline/sweep-stuck-jobs';
import { createHandler as createLtxHandler } from '../handlers/ltx';
import { createHandler as createApiHandler } from '../handlers/api';
import { createApiDeps } from '../shared/composition/api-deps';
import { FUNCTION_SPECS } from '../infra/function-specs';
import { createHandler as createRenderHandler } from '../handlers/render';
import { LocalRemotionRenderer } from '../remotion/render-local';
import { LOCAL_RENDER_PAGE_ORIGIN } from '../remotion/local-page-origin';
import { LocalEventBus } from './event-bus/local-event-bus';
import { wirePipelineRoutes } from './pipeline-routes';
import { LocalQueues } from './sqs/local-queues';
import { startSqsServer } from './sqs/sqs-server';
import { DEFAULT_PORTS, type LocalPorts } from './local-ports';
import { bridgeObjectEvents } from './event-bus/object-events-bridge';
import { startPutEventsServer } from './event-bus/put-events-server';
import { loadLocalCredentials } from './local-credentials';
import { presignedGetsOf } from './ltx/image-url-policy';
import { startLtxServer } from './ltx/server';
import { startObjectStore } from './s3/start-object-store';
import { startSupabaseLocal, type SupabaseLocalOptions } from './supabase/start-supabase-local';
import { startSupabaseProcess } from './supabase/supabase-process';
import { startWebServer } from './web-server';
import { LocalWebhookRenderer } from './render-webhook/local-webhook-renderer';
import { REMOTION_WEBHOOK_PATH } from '../shared/domain/remotion-webhook';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../shared/ports/object-store';
import type { Renderer } from '../shared/ports/renderer';
import type { VideoGenerator } from '../shared/ports/video-generator';
import type { FunctionUrlHandler } from './function-url/serve-function-url';

export interface LocalStackOptions {
  /** Where state persists (`.local/` for `npm start`); null keeps everything in memory/temp (tests). */
  dataDir: string | null;
  /** Ports of the servers (default: DEFAULT_PORTS, `npm start`'s); tests pass FREE_PORTS. */
  ports?: LocalPorts;
  bucket?: string;
  /** Renders every format at this fraction of its size (RENDER_SCALE; tests render at 1/6: 320x180, 180x320, 180x226, 180x180); default: full size. */
  renderScale?: number;
  /** Render frame-rate override (tests render 10 fps: fewer frames, same length); default: the job's fps. */
  renderFps?: number;
  /**
   * TEST ONLY: the LTX stand-in answers clips of this size whatever was asked (the pipeline still
   * asks for a legal LTX size), so suites do not spend half a minute per 1080p clip.
   */
  ltxClipSize?: { width: number; height: number };
  /** How many LTX requests at once (the quota is per concurrent request). */
  ltxConcurrency?: number;
  /** Real LTX instead of the local stand-in (LTX_API_KEY / LTX_API_URL in the environment). */
  realLtx?: { apiKey: string; apiUrl?: string };
  /** Extra environment for the pipeline's config (e.g. MAX_JOBS_PER_DAY, STUCK_JOB_MINUTES). */
  env?: Record<string, string>;
  /**
   * TEST ONLY: the queues' visibility timeout in seconds. Default as in AWS: the topology's factor
   * times the consuming function's timeout (an hour for the LTX queue).
   */
  queueVisibilityTimeoutSeconds?: number;
  sweepIntervalMs?: number;
  staticDir?: string;
  logger?: Logger;
  /**
   * TEST ONLY: the renderer to use instead of local Remotion, built once the stack's object store
   * exists (the load suite copies the clip instead of rendering 50 videos one at a time).
   */
  renderer?: (deps: { store: ObjectStore }) => Renderer;
  /** Wraps the LTX generator the ltx handler uses (the benchmark times the generation inside). */
  wrapGenerator?: (generator: VideoGenerator) => VideoGenerator;
  /** How the local Supabase signs user access tokens (ES256: the API handler verifies them through the JWKS). */
  accessTokenAlgorithm?: 'HS256' | 'ES256';
  /** A real PostgreSQL behind the local Supabase API instead of PGlite (DATABASE_URL). */
  databaseUrl?: string;
  /** The local Supabase's auth limits (GoTrue's defaults); tests and benchmarks that sign in many users raise them. */
  authRateLimits?: SupabaseLocalOptions['authRateLimits'];
}

export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;

/** The local stack's resource names, as `namePrefix` names the deployed ones. */
const NAME_PREFIX = 'villa-video-local';

/**
 * The whole pipeline on one machine: object store, event bus, Supabase-compatible API, LTX stand-in,
 * local Remotion, and the web API, wired with the same rule patterns and handlers as AWS.
 */
export async function startLocalStack(options: LocalStackOptions) {
  const logger = options.logger ?? createReadableLogger({ fields: { stack: 'local' } });
  const ports = options.ports ?? DEFAULT_PORTS;
  const bucket = options.bucket ?? 'villa-video-local';
  const startedAt = new Date();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.log('warn', 'stop failed', { error: (err as Error).message }));
  };
  try {
    const credentials = await loadLocalCredentials(options.dataDir);
    const supabaseOptions = {
      port: ports.supabase,
      dataDir: options.dataDir ? join(options.dataDir, 'supabase') : null,
      ...(options.accessTokenAlgorithm ? { accessTokenAlgorithm: options.accessTokenAlgorithm } : {}),
      authRateLimits: options.authRateLimits,
      log: (line: string) => logger.log('debug', line, { part: 'supabase' }),
    };
    // On a real PostgreSQL the Supabase API runs in a process of its own, as it does in production.
    const supabase = options.databaseUrl
      ? await startSupabaseProcess({ ...supabaseOptions, databaseUrl: options.databaseUrl })
      : await startSupabaseLocal(supabaseOptions);
    stops.push(() => supabase.stop());
    const objectStore = await startObjectStore({
      port: ports.s3,
      dataDir: options.dataDir ? join(options.dataDir, 's3') : null,
      bucket,
      accessKeyId: credentials.s3AccessKeyId,
      secretAccessKey: credentials.s3SecretAccessKey,
      // The bucket's CORS as in AWS: PUT from the same ALLOWED_ORIGINS the API answers, ranged GET from
      // the page that renders the template (here the local renderer's, on a port Remotion picks).
      corsOrigins: { uploadOrigins: parseAllowedOrigins(options.env?.ALLOWED_ORIGINS), renderPageOrigins: [LOCAL_RENDER_PAGE_ORIGIN] },
    });
    stops.push(() => objectStore.stop());
    const ltxApiKey = options.realLtx?.apiKey ?? credentials.ltxApiKey;
    const ltx = options.realLtx
      ? null
      : await startLtxServer({
          port: ports.ltx,
          apiKey: ltxApiKey,
          maxConcurrency: options.ltxConcurrency ?? 2,
          clipSize: options.ltxClipSize,
          // The pipeline sends a large photo as a presigned GET of its bucket: that, and nothing else on this machine.
          imageUrls: presignedGetsOf(objectStore.endpoint, bucket),
        });
    if (ltx) stops.push(() => ltx.stop());
    const bus = new LocalEventBus({ log: (line) => logger.log('warn', line, { part: 'event-bus' }) });
    stops.push(() => bus.close());
    const putEvents = await startPutEventsServer({
      bus,
      port: ports.events,
      credentials: { accessKeyId: credentials.s3AccessKeyId, secretAccessKey: credentials.s3SecretAccessKey },
    });
    stops.push(() => putEvents.stop());
    const unbridge = bridgeObjectEvents(objectStore, bus);
    stops.push(async () => unbridge());
    const queues = new LocalQueues('000000000000', objectStore.region);
    // SQS is durable: a persisted stack keeps its queued and dead-lettered messages across restarts.
    if (options.dataDir) await queues.persistTo(join(options.dataDir, 'sqs.json'));
    stops.push(async () => queues.close());
    const sqs = await startSqsServer({
      queues,
      port: ports.sqs,
      credentials: { accessKeyId: credentials.s3AccessKeyId, secretAccessKey: credentials.s3SecretAccessKey },
    });
    stops.push(() => sqs.stop());

    const webPort = ports.web;
    const env: Record<string, string> = {
      AWS_REGION: objectStore.region,
      BUCKET_NAME: bucket,
      S3_ENDPOINT: objectStore.endpoint,
      S3_ACCESS_KEY_ID: credentials.s3AccessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.s3SecretAccessKey,
      SUPABASE_URL: supabase.url,
      SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey,
      SUPABASE_JWT_SECRET: supabase.jwtSecret,
      LTX_API_URL: options.realLtx?.apiUrl ?? ltx?.url ?? 'https://api.ltx.video',
      LTX_API_KEY: ltxApiKey,
      EVENTBRIDGE_ENDPOINT: putEvents.endpoint,
      EVENT_BUS_NAME: 'villa-video-local',
      SQS_ENDPOINT: sqs.endpoint,
      RENDERER: 'local',
      // The local demo signs in as an anonymous guest; in AWS guests get none unless the operator says so.
      ANONYMOUS_JOBS_PER_DAY: '10',
      ...(options.renderScale ? { RENDER_SCALE: String(options.renderScale) } : {}),
      ...options.env,
    };
    // The media URLs name the web server's port, known only once it listens: bind it first, and let
    // the API's Function URL reach the handler built below (503 until then).
    const late: { api?: FunctionUrlHandler; s3?: S3Client } = {};
    const starting = { statusCode: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: JSON.stringify({ error: { code: 'starting', message: 'The stack is still starting.' } }) };
    const web = await startWebServer({
      port: webPort,
      api: (event, context) => (late.api ? late.api(event, context) : Promise.resolve(starting)),
      functionUrl: {
        urlId: 'local',
        region: objectStore.region,
        functionName: 'villa-video-api',
        memoryLimitInMB: FUNCTION_SPECS.api.memorySize,
        timeoutSeconds: FUNCTION_SPECS.api.timeout,
        onFunctionError: (err, requestId) => logger.log('error', 'api function failed', { fn: 'api', requestId, error: (err as Error).message }),
      },
      s3: () => late.s3!,
      bucket,
      staticDir: options.staticDir,
      publicConfig: { supabaseUrl: supabase.url, supabaseAnonKey: supabase.anonKey },
    });
    stops.push(() => web.stop());
    env.PUBLIC_MEDIA_BASE_URL = `${web.url}/media/`;
    // Renders report to the API's webhook route as Remotion Lambda does, signed with a secret of this run.
    env.REMOTION_WEBHOOK_URL = `${web.url}${REMOTION_WEBHOOK_PATH}`;
    env.REMOTION_WEBHOOK_SECRET = randomBytes(32).toString('hex');
    const config: PipelineConfig = loadConfig(env);
    const clients = await createPipelineClients(config, logger);
    late.s3 = clients.s3;
    let renderer: Renderer;
    if (options.renderer) {
      renderer = options.renderer({ store: clients.store });
    } else {
      const local = new LocalRemotionRenderer({
        store: clients.store,
        browserExecutable: config.renderer.kind === 'local' ? config.renderer.browserExecutable : undefined,
        log: (line: string) => logger.log('debug', line, { part: 'remotion' }),
      });
      stops.push(() => local.close());
      renderer = local;
    }
    const webhookRenderer = new LocalWebhookRenderer({
      renderer,
      webhookUrl: () => config.renderWebhook.url!,
      secret: env.REMOTION_WEBHOOK_SECRET,
      log: (level, message, context) => logger.log(level, message, { part: 'remotion', ...context }),
    });
    stops.push(async () => webhookRenderer.close());

    // The Lambda handler of the web API, as its Function URL invokes it in AWS.
    late.api = createApiHandler(
      createApiDeps({
        store: clients.store,
        jobs: clients.jobs,
        events: clients.events,
        config,
        logger: logger.child({ fn: 'api' }),
        verifyAccessToken: await createTokenVerifier(config),
        renders: clients.renders,
        reporter: clients.reporter,
        webhookSecrets: [env.REMOTION_WEBHOOK_SECRET],
      }),
    );
    const ltxHandler = createLtxHandler({
      store: clients.store,
      jobs: clients.jobs,
      reporter: clients.reporter,
      logger: logger.child({ fn: 'ltx' }),
      config,
      generator: options.wrapGenerator ? options.wrapGenerator(await createVideoGenerator(config, logger)) : await createVideoGenerator(config, logger),
    });
    const renderHandler = createRenderHandler({
      store: clients.store,
      jobs: clients.jobs,
      reporter: clients.reporter,
      logger: logger.child({ fn: 'render' }),
      renders: clients.renders,
      starter: webhookRenderer,
      config: { ...config, renderFps: options.renderFps },
    });
    // The same topology as the AWS stack (shared/domain/pipeline-topology.ts); only the targets are local.
    const routes = wirePipelineRoutes({
      bus,
      queues,
      bucket,
      namePrefix: NAME_PREFIX,
      functions: {
        ltx: { invoke: ltxHandler, timeoutSeconds: FUNCTION_SPECS.ltx.timeout, maximumConcurrency: options.ltxConcurrency ?? 2 },
        // Starting a render takes moments; the local renderer then runs the renders one at a time (each uses every core).
        render: { invoke: renderHandler, timeoutSeconds: FUNCTION_SPECS.render.timeout, maximumConcurrency: 2 },
      },
      ...(options.queueVisibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds: options.queueVisibilityTimeoutSeconds }),
      log: (line) => logger.log('warn', line, { part: 'sqs' }),
    });
    stops.push(() => routes.stop());
    const queueUrls = {
      ltxQueueUrl: sqs.queueUrl(routes.queueNames.ltx!.queue ?? routes.queueNames.ltx!.deadLetterQueue),
      ltxDeadLetterQueueUrl: sqs.queueUrl(routes.queueNames.ltx!.deadLetterQueue),
      ...(routes.queueNames.render?.queue ? { renderQueueUrl: sqs.queueUrl(routes.queueNames.render.queue) } : {}),
      renderDeadLetterQueueUrl: sqs.queueUrl(routes.queueNames.render!.deadLetterQueue),
    };

    const sweepDeps = { store: clients.store, jobs: clients.jobs, reporter: clients.reporter, logger: logger.child({ fn: 'sweep' }), config };
    // Anything still in flight from before this start was abandoned by a previous process.
    if (options.dataDir) await sweepStuckJobs(sweepDeps, new Date(), startedAt);
    const sweepTimer = setInterval(() => void sweepStuckJobs(sweepDeps).catch(() => undefined), options.sweepIntervalMs ?? 60_000);
    sweepTimer.unref();
    stops.push(async () => clearInterval(sweepTimer));

    const info = {
      bucket,
      region: objectStore.region,
      s3Endpoint: objectStore.endpoint,
      s3AccessKeyId: credentials.s3AccessKeyId,
      s3SecretAccessKey: credentials.s3SecretAccessKey,
      supabaseUrl: supabase.url,
      supabaseAnonKey: supabase.anonKey,
      supabaseServiceRoleKey: supabase.serviceRoleKey,
      uploadsUrl: `${web.url}/uploads`,
      webUrl: web.url,
      mediaBaseUrl: `${web.url}/media/`,
      ltxApiUrl: env.LTX_API_URL,
      eventBridgeEndpoint: putEvents.endpoint,
      eventBusName: env.EVENT_BUS_NAME,
      sqsEndpoint: sqs.endpoint,
      ...queueUrls,
    };
    if (options.dataDir) {
      await mkdir(options.dataDir, { recursive: true });
      await writeFile(join(options.dataDir, 'stack.json'), JSON.stringify(info, null, 2), { mode: 0o600 });
    }
    return {
      info,
      config,
      clients,
      supabase,
      objectStore,
      ltx,
      bus,
      putEvents,
      queues,
      sqs,
      routes,
      /** Resolves once nothing is on the bus, in a queue or running. */
      idle: () => routes.idle(),
      web,
      renderer,
      /** One sweep now; `olderThan` overrides the stuck deadline, `now` pretends a later time (tests). */
      sweep: (olderThan?: Date, now: Date = new Date()) => sweepStuckJobs(sweepDeps, now, olderThan),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    const { code, port } = err as { code?: string; port?: number };
    if (code === 'EADDRINUSE') {
      throw new Error(`port ${port} on 127.0.0.1 is already in use: is another local stack (npm start) running? Stop it, use it (npm run demo finds a running stack by ${join(options.dataDir ?? '.local', 'stack.json')}), or start this one beside it with LOCAL_PORT_BASE=N (ports N to N+5) and its own LOCAL_DATA_DIR.`, { cause: err });
    }
    throw err;
  }
}
