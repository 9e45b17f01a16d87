import type { Context } from 'aws-lambda';
import { PowertoolsLogger } from '../adapters/powertools-logger';
import type { Logger } from '../ports/logger';
import { lazyHandler } from './lazy-handler';

/** The `service` every function's log lines carry (Powertools adds the function's own name). */
export const LOG_SERVICE_NAME = 'villa-video-pipeline';

/**
 * A Lambda entry point: the function's Powertools logger, its dependencies built once per cold
 * start from `build` (see ./lazy-handler.ts), and the invocation's context (request id, cold start)
 * added to the logger before every invocation.
 */
export function lambdaHandler<E, R>(
  build: (logger: Logger) => Promise<(event: E, context: Context) => Promise<R>>,
): (event: E, context: Context) => Promise<R> {
  const logger = PowertoolsLogger.create(LOG_SERVICE_NAME);
  const handle = lazyHandler(() => build(logger));
  return (event, context) => {
    logger.addContext(context);
    return handle(event, context);
  };
}
