import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { loadConfig } from '../shared/config';
import { createApiDeps } from '../shared/composition/api-deps';
import { lambdaHandler } from '../shared/composition/lambda-handler';
import { createPipelineClients, createTokenVerifier, resolveWebhookSecret } from '../shared/composition/pipeline-clients';
import { createApiApp, type ApiDeps } from '../shared/http/api-app';

/**
 * The web app's API behind one Lambda Function URL: the Hono app (shared/http/api-app.ts) adapted
 * to the Function URL's events and answers (payload format 2.0) by `hono/aws-lambda`. The local
 * stack serves this same handler through its stand-in of the URL (local/function-url/).
 */
export function createHandler(deps: ApiDeps) {
  const lambda = handle(createApiApp(deps));
  // Hono types a 2.0 event's absent body as `null` where aws-lambda's types say `undefined`; it reads both.
  return (event: LambdaFunctionURLEvent, context?: Context) => lambda(event as unknown as LambdaEvent, context);
}

export const handler = lambdaHandler(async (logger) => {
  const config = loadConfig();
  const { store, jobs, events, renders, reporter } = await createPipelineClients(config, logger);
  const secret = await resolveWebhookSecret(config);
  return createHandler(
    createApiDeps({ store, jobs, events, renders, reporter, config, logger, verifyAccessToken: await createTokenVerifier(config), webhookSecrets: secret ? [secret] : [] }),
  );
});
