import { loadConfig } from '../shared/config';
import type { FunctionUrlEvent, FunctionUrlResult } from '../shared/http/function-url';
import { lazyHandler } from '../shared/composition/lazy-handler';
import { createLogger } from '../shared/adapters/json-logger';
import { createPipelineClients, createTokenVerifier } from '../shared/composition/pipeline-clients';
import { handleReplayEndpoint, isReplayPath, type ReplayEndpointDeps } from '../shared/http/replay-endpoint';
import { handleUploadEndpoint, type UploadEndpointDeps } from '../shared/http/upload-endpoint';

/**
 * The web app's API behind one Lambda Function URL: `POST /uploads` (verify the user, record the
 * job, sign the PUT) and `POST /jobs/{jobId}/replay` (run the user's failed job again).
 */
export function createHandler(deps: UploadEndpointDeps & ReplayEndpointDeps): (event: FunctionUrlEvent) => Promise<FunctionUrlResult> {
  return (event) => (isReplayPath(event.rawPath) ? handleReplayEndpoint(deps, event) : handleUploadEndpoint(deps, event));
}

export const handler = lazyHandler(async () => {
  const config = loadConfig();
  const logger = createLogger({ fn: 'presign' });
  const { store, jobs, events } = await createPipelineClients(config, logger);
  return createHandler({ store, jobs, events, config, logger, verifyAccessToken: await createTokenVerifier(config), allowedOrigins: config.allowedOrigins });
});
