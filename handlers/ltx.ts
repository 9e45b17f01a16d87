import { loadConfig } from '../shared/config';
import { lazyHandler } from '../shared/composition/lazy-handler';
import { createLogger } from '../shared/adapters/json-logger';
import { handleObjectEvents } from '../shared/pipeline/handle-object-events';
import { createPipelineClients, createVideoGenerator } from '../shared/composition/pipeline-clients';
import { runLtxStep, type LtxStepDeps } from '../shared/pipeline/run-ltx-step';

/** `images/` Object Created (directly from EventBridge, or batched through the LTX queue) → LTX-2 clip. */
export function createHandler(deps: LtxStepDeps) {
  return (event: unknown) => handleObjectEvents(event, (object) => runLtxStep(deps, object), deps.logger);
}

export const handler = lazyHandler(async () => {
  const config = loadConfig();
  const logger = createLogger({ fn: 'ltx' });
  const { store, jobs, reporter } = await createPipelineClients(config, logger);
  return createHandler({ store, jobs, reporter, logger, config, generator: await createVideoGenerator(config, logger) });
});
