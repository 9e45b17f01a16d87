import { loadConfig } from '../shared/config';
import { lambdaHandler } from '../shared/composition/lambda-handler';
import { handleObjectEvents } from '../shared/pipeline/handle-object-events';
import { createPipelineClients, createVideoGenerator } from '../shared/composition/pipeline-clients';
import { runLtxStep, type LtxStepDeps } from '../shared/pipeline/run-ltx-step';

/** `images/` Object Created (directly from EventBridge, or batched through the LTX queue) → LTX-2 clip. */
export function createHandler(deps: LtxStepDeps) {
  return (event: unknown) => handleObjectEvents(event, (object) => runLtxStep(deps, object), deps.logger);
}

export const handler = lambdaHandler(async (logger) => {
  const config = loadConfig();
  const { store, jobs, reporter } = await createPipelineClients(config, logger);
  return createHandler({ store, jobs, reporter, logger, config, generator: await createVideoGenerator(config, logger) });
});
