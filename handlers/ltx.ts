import { loadConfig } from '../shared/config';
import { lazyHandler } from '../shared/lazy-handler';
import { createLogger } from '../shared/logger';
import { handleObjectEvents } from '../shared/object-event-invocation';
import { createPipelineClients, createVideoGenerator } from '../shared/pipeline-clients';
import { runLtxStep, type LtxStepDeps } from '../shared/run-ltx-step';

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
