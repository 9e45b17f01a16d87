import { loadConfig } from '../shared/config';
import { lambdaHandler } from '../shared/composition/lambda-handler';
import { createPipelineClients } from '../shared/composition/pipeline-clients';
import { sweepStuckJobs, type SweepDeps, type SweepResult } from '../shared/pipeline/sweep-stuck-jobs';

/** Scheduled (every few minutes): restarts or fails jobs whose function died mid-stage. */
export function createHandler(deps: SweepDeps): (event?: unknown) => Promise<SweepResult> {
  return () => sweepStuckJobs(deps);
}

export const handler = lambdaHandler(async (logger) => {
  const config = loadConfig();
  const { store, jobs, reporter } = await createPipelineClients(config, logger);
  return createHandler({ store, jobs, reporter, logger, config });
});
