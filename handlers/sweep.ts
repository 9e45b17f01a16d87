import { loadConfig } from '../shared/config';
import { lazyHandler } from '../shared/composition/lazy-handler';
import { createLogger } from '../shared/adapters/json-logger';
import { createPipelineClients } from '../shared/composition/pipeline-clients';
import { sweepStuckJobs, type SweepDeps, type SweepResult } from '../shared/pipeline/sweep-stuck-jobs';

/** Scheduled (every few minutes): restarts or fails jobs whose function died mid-stage. */
export function createHandler(deps: SweepDeps): (event?: unknown) => Promise<SweepResult> {
  return () => sweepStuckJobs(deps);
}

export const handler = lazyHandler(async () => {
  const config = loadConfig();
  const logger = createLogger({ fn: 'sweep' });
  const { store, jobs, reporter } = await createPipelineClients(config, logger);
  return createHandler({ store, jobs, reporter, logger, config });
});
