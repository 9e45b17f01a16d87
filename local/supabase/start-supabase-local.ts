import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from './database/apply-migrations';
import { createAuthRateLimiter, type AuthRateLimits } from './auth/auth-rate-limits';
import { AuthStore } from './auth/auth-store';
import { createAuthRouter } from './auth/auth-router';
import { answerPreflight, applyCors } from './cors';
import type { Database } from './database/database';
import { GoTrueError, AUTH_API_VERSION } from './auth/gotrue-error';
import { MAX_BODY_BYTES, sendJson } from './http-io';
import { cachedJwtVerifier } from './auth/jwt-cache';
import { createJwtKeys, type AccessTokenAlgorithm } from './auth/jwt-keys';
import { loadLocalSecrets } from './local-secrets';
import { createPgliteDatabase } from './database/pglite-database';
import { createPostgresDatabase } from './database/postgres-database';
import { ensurePrivateDir } from './private-dir';
import type { StatementTimeouts } from './database/request-settings';
import { unavailable } from './rest/postgrest-error';
import { attachRealtime } from './realtime/attach-realtime';
import { createRestRouter } from './rest/rest-router';
import { createSchemaCache, type RestSettings } from './rest/rest-settings';

export interface SupabaseLocal {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  jwksUrl: string;
  db: Database;
  /** While on, /rest/v1 and /auth/v1 answer 503 as a Supabase whose database is down would. */
  setUnavailable(on: boolean): void;
  stop(): Promise<void>;
}

export interface SupabaseLocalOptions {
  /** Default 54321 (the Supabase CLI's); 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** State directory (database in `pgdata/`, keys in `secrets.json`); null (default) keeps all in memory. */
  dataDir?: string | null;
  /** A real Postgres instead of PGlite. */
  databaseUrl?: string;
  /** Default: persisted in dataDir, or random per in-memory instance. */
  jwtSecret?: string;
  /** How user access tokens are signed; API keys are HS256 either way. Default HS256. */
  accessTokenAlgorithm?: AccessTokenAlgorithm;
  /** Default: the repository's supabase/migrations. */
  migrationsDir?: string;
  /** Largest accepted request body; default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Per-role statement timeouts for /rest/v1 requests, overriding the roles' own `ALTER ROLE … SET
   * statement_timeout` (Supabase's: anon 3 s, authenticated 8 s; service_role the authenticator's 8 s).
   */
  statementTimeouts?: StatementTimeouts;
  /**
   * Per-IP limits of /auth/v1 (GoTrue's defaults: 30 anonymous sign-ins an hour, 30 sign-ups and
   * 150 token grants per 5 minutes). Everything local comes from 127.0.0.1, so these are the whole
   * stack's: tests and benchmarks that sign in many users raise them.
   */
  authRateLimits?: Partial<AuthRateLimits>;
  /** REST (PostgREST) settings; see RestSettings. */
  rest?: RestSettings;
  log?: (line: string) => void;
}

type Required_ = Required<Omit<SupabaseLocalOptions, 'databaseUrl' | 'jwtSecret' | 'rest'>> & Pick<SupabaseLocalOptions, 'databaseUrl' | 'jwtSecret' | 'rest'>;

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../supabase/migrations', import.meta.url));

function withDefaults(opts: SupabaseLocalOptions): Required_ {
  const port = opts.port ?? 54321;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port must be an integer from 0 to 65535, received ${String(opts.port)}`);
  return {
    port,
    host: opts.host ?? '127.0.0.1',
    dataDir: opts.dataDir ?? null,
    databaseUrl: opts.databaseUrl,
    jwtSecret: opts.jwtSecret,
    accessTokenAlgorithm: opts.accessTokenAlgorithm ?? 'HS256',
    migrationsDir: opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR,
    maxBodyBytes: opts.maxBodyBytes ?? MAX_BODY_BYTES,
    statementTimeouts: opts.statementTimeouts ?? {},
    authRateLimits: opts.authRateLimits ?? {},
    rest: opts.rest,
    log: opts.log ?? (() => undefined),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts the Supabase-compatible API (REST, Auth, Realtime) on one HTTP server. The port is taken
 * first, so a busy port fails fast; requests that arrive while the database boots get 503.
 */
export async function startSupabaseLocal(options: SupabaseLocalOptions = {}): Promise<SupabaseLocal> {
  const o = withDefaults(options);
  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (!handle) {
      applyCors(req, res);
      return sendJson(res, 503, { message: 'the local Supabase is starting' }, { 'Retry-After': '1' });
    }
    handle(req, res).catch((err: unknown) => {
      o.log(`unhandled ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'internal error' });
      else res.destroy();
    });
    // A refused body (413) is answered before it is read: discard the rest rather than reset the client.
    res.on('finish', () => {
      if (!req.complete) req.resume();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  await listen(server, o.port, o.host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;

  let db: Database | undefined;
  try {
    // Keys, sessions and database files: private to this user (0700/0600), tightened if older versions left them open.
    if (o.dataDir !== null) await ensurePrivateDir(o.dataDir);
    const secrets = await loadLocalSecrets(o.dataDir, o.jwtSecret);
    db = o.databaseUrl
      ? await createPostgresDatabase({ connectionString: o.databaseUrl, statementTimeouts: o.statementTimeouts, log: o.log })
      : await createPgliteDatabase({ dataDir: o.dataDir === null ? null : join(o.dataDir, 'pgdata'), statementTimeouts: o.statementTimeouts, log: o.log });
    const database = db;
    const applied = await applyMigrations(database, o.migrationsDir);
    if (applied.length > 0) o.log(`applied migrations: ${applied.join(', ')}`);
    const cache = createSchemaCache(database, o.rest);
    await cache.reload();
    const keys = await createJwtKeys({ secret: secrets.jwtSecret, algorithm: o.accessTokenAlgorithm, ecKey: secrets.ecKey });
    let down = false;
    const verifyJwt = cachedJwtVerifier(keys.verifyJwt);
    const rest = createRestRouter({ db: database, cache, verifyJwt, maxBodyBytes: o.maxBodyBytes, log: o.log });
    const auth = createAuthRouter({
      store: new AuthStore(database),
      keys,
      baseUrl: () => url,
      maxBodyBytes: o.maxBodyBytes,
      limits: createAuthRateLimiter(o.authRateLimits),
      log: o.log,
    });
    const realtime = await attachRealtime({ server, db: database, verifyJwt, log: o.log });

    handle = async (req, res) => {
      applyCors(req, res);
      if (answerPreflight(req, res)) return;
      const parsed = new URL(req.url ?? '/', 'http://localhost');
      const path = parsed.pathname;
      if (path === '/rest/v1' || path.startsWith('/rest/v1/')) {
        if (down) return sendJson(res, 503, unavailable().toJSON(), unavailable().headers);
        return rest(req, res, path.slice('/rest/v1'.length), parsed.searchParams);
      }
      if (path === '/auth/v1' || path.startsWith('/auth/v1/')) {
        if (down) return sendJson(res, 503, new GoTrueError(503, 'service_unavailable', 'Auth service is unavailable: the local database is marked down').toJSON(), { 'X-Supabase-Api-Version': AUTH_API_VERSION });
        return auth(req, res, path.slice('/auth/v1'.length), parsed.searchParams);
      }
      // Realtime's HTTP Broadcast API (realtime-js httpSend(), and send() before a channel has joined).
      if (path.startsWith('/realtime/v1/api/')) return realtime.handleApi(req, res, path.slice('/realtime/v1/api'.length));
      sendJson(res, 404, { message: `no route for ${req.method} ${path}: the local Supabase serves /rest/v1, /auth/v1 and /realtime/v1/websocket` });
    };

    let stopped: Promise<void> | undefined;
    return {
      url,
      anonKey: await keys.signApiKey('anon'),
      serviceRoleKey: await keys.signApiKey('service_role'),
      jwtSecret: secrets.jwtSecret,
      jwksUrl: `${url}/auth/v1/.well-known/jwks.json`,
      db: database,
      setUnavailable: (on) => {
        down = on;
      },
      stop: () =>
        (stopped ??= (async () => {
          await realtime.close();
          await closeServer(server);
          await database.close();
        })()),
    };
  } catch (err) {
    await closeServer(server);
    await db?.close().catch(() => undefined);
    throw err;
  }
}
