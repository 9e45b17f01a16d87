import { loadConfig } from '../shared/config';
import { ConfigError } from '../shared/domain/errors';
import { lambdaHandler } from '../shared/composition/lambda-handler';
import { handleObjectEvents } from '../shared/pipeline/handle-object-events';
import { createPipelineClients } from '../shared/composition/pipeline-clients';
import { RemotionLambdaRenderer } from '../shared/adapters/remotion-lambda-renderer';
import { runRenderStep, type RenderStepDeps } from '../shared/pipeline/run-render-step';

/** `ltx-videos/` Object Created → branded video and poster → `generated_videos` row. */
export function createHandler(deps: RenderStepDeps) {
  return (event: unknown) => handleObjectEvents(event, (object) => runRenderStep(deps, object), deps.logger);
}

export const handler = lambdaHandler(async (logger) => {
  const config = loadConfig();
  // In AWS the render runs on Remotion Lambda; the local renderer (Chromium) only exists in the local stack.
  if (config.renderer.kind !== 'lambda') throw new ConfigError('the render function needs RENDERER=lambda with REMOTION_FUNCTION_NAME and REMOTION_SERVE_URL');
  const { store, jobs, reporter } = await createPipelineClients(config, logger);
  const { functionName, serveUrl, region } = config.renderer;
  const renderer = new RemotionLambdaRenderer({ functionName, serveUrl, region, log: logger });
  return createHandler({ store, jobs, reporter, logger, renderer, config });
});
