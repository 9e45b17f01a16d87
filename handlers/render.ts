import { loadConfig } from '../shared/config';
import { ConfigError } from '../shared/domain/errors';
import { lambdaHandler } from '../shared/composition/lambda-handler';
import { handleObjectEvents } from '../shared/pipeline/handle-object-events';
import { createPipelineClients, resolveWebhookSecret } from '../shared/composition/pipeline-clients';
import { resolveSecret } from '../shared/adapters/resolve-secret';
import { RemotionLambdaRenderer } from '../shared/adapters/remotion-lambda-renderer';
import { runRenderStep, type RenderStepDeps } from '../shared/pipeline/run-render-step';

/** `ltx-videos/` Object Created → a Remotion render started with a webhook (and its poster); the webhook finishes the job. */
export function createHandler(deps: RenderStepDeps) {
  return (event: unknown) => handleObjectEvents(event, (object) => runRenderStep(deps, object), deps.logger);
}

export const handler = lambdaHandler(async (logger) => {
  const config = loadConfig();
  // In AWS the render runs on Remotion Lambda; the local renderer (Chromium) only exists in the local stack.
  if (config.renderer.kind !== 'lambda') throw new ConfigError('the render function needs RENDERER=lambda with REMOTION_FUNCTION_NAME and REMOTION_SERVE_URL');
  const secret = await resolveWebhookSecret(config);
  if (!config.renderWebhook.url || !secret) throw new ConfigError('the render function needs REMOTION_WEBHOOK_URL and REMOTION_WEBHOOK_SECRET_PARAM');
  const { store, jobs, renders, reporter } = await createPipelineClients(config, logger);
  const { functionName, serveUrl, region } = config.renderer;
  const licenseKey = config.remotion.licenseKey ? await resolveSecret(config.remotion.licenseKey, config.region) : undefined;
  const starter = new RemotionLambdaRenderer({
    functionName,
    serveUrl,
    region,
    webhook: { url: config.renderWebhook.url, secret },
    ...(config.remotion.deleteAfter ? { deleteAfter: config.remotion.deleteAfter } : {}),
    ...(licenseKey ? { licenseKey } : {}),
    log: logger,
  });
  return createHandler({ store, jobs, renders, reporter, logger, starter, config });
});
