import { Hono, type Context } from 'hono';
import { describeError } from '../domain/errors';
import type { Logger } from '../ports/logger';
import type { ApiEnv } from './api-env';
import { ApiError, toApiError } from './api-error';
import { apiCors } from './cors';
import { remotionWebhookRoute, type RemotionWebhookRouteDeps } from './routes/remotion-webhook-route';
import { replayRoute, type ReplayRouteDeps } from './routes/replay-route';
import { uploadsRoute, type UploadsRouteDeps } from './routes/uploads-route';

export type ApiDeps = UploadsRouteDeps &
  ReplayRouteDeps &
  RemotionWebhookRouteDeps & {
    /** Origins the web app is served from (`*`: any); see ./cors.ts. */
    allowedOrigins: readonly string[];
    logger: Logger;
  };

/**
 * Every route of the web API. A new route is its own file under ./routes (a Hono app with its
 * steps and handler) and one entry here; CORS, 404, 405 and error answers apply to it unchanged.
 */
const ROUTES: ReadonlyArray<(deps: ApiDeps) => Hono<ApiEnv>> = [uploadsRoute, replayRoute, remotionWebhookRoute];

/**
 * The web API as one Hono app: the Lambda handler (handlers/api.ts) serves it through its Function
 * URL, and the local stack serves the same handler through a stand-in of that URL, so a request is
 * routed here and nowhere else.
 */
export function createApiApp(deps: ApiDeps): Hono<ApiEnv> {
  // strict: false — `/uploads/` is `/uploads`, as it always was.
  const app = new Hono<ApiEnv>({ strict: false });
  app.use(apiCors(deps.allowedOrigins));
  for (const route of ROUTES) app.route('/', route(deps));

  // A path that exists with another method is a 405 naming the methods it has.
  const routes = methodsByPath(app);
  for (const [path, methods] of routes) {
    app.all(path, (c) => {
      throw new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(' or ')}`, {
        headers: { allow: [...methods, 'OPTIONS'].join(', ') },
      });
    });
  }
  const usage = [...routes].map(([path, methods]) => `${methods.join('/')} ${path.replace(/:(\w+)/g, '{$1}')}`).join(', ');
  app.notFound((c) => new ApiError(404, 'not_found', `No route ${c.req.method} ${c.req.path}; the API has ${usage}`).getResponse());

  app.onError((err, c) => {
    const answer = toApiError(err);
    logRefusal(deps.logger, c, answer, err);
    return answer.getResponse();
  });
  return app;
}

/** The methods each route path answers (routes only: middleware and the 405 fallbacks are `ALL`). */
function methodsByPath(app: Hono<ApiEnv>): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const { method, path } of app.routes) {
    if (method === 'ALL') continue;
    const methods = byPath.get(path) ?? [];
    if (!methods.includes(method)) methods.push(method);
    byPath.set(path, methods);
  }
  return byPath;
}

/** Refusals of the caller's making are facts (info); our own failures are errors, with their cause. */
function logRefusal(logger: Logger, c: Context<ApiEnv>, answer: ApiError, err: unknown): void {
  const level = answer.status >= 500 ? 'error' : 'info';
  logger.log(level, 'request refused', {
    method: c.req.method,
    path: c.req.path,
    status: answer.status,
    code: answer.code,
    ...(answer.status >= 500 ? { error: describeError(err) } : { reason: answer.message }),
  });
}
