import { loadConfig } from '../shared/config';
import type { FunctionUrlEvent, FunctionUrlResult } from '../shared/function-url';
import { lazyHandler } from '../shared/lazy-handler';
import { createLogger } from '../shared/logger';
import { createPipelineClients, createTokenVerifier } from '../shared/pipeline-clients';
import { handleUploadEndpoint, type UploadEndpointDeps } from '../shared/upload-endpoint';

/** `POST /uploads` behind a Lambda Function URL: verify the user, record the job, sign the PUT. */
export function createHandler(deps: UploadEndpointDeps): (event: FunctionUrlEvent) => Promise<FunctionUrlResult> {
  return (event) => handleUploadEndpoint(deps, event);
}

export const handler = lazyHandler(async () => {
  const config = loadConfig();
  const logger = createLogger({ fn: 'presign' });
  const { store, jobs } = await createPipelineClients(config, logger);
  return createHandler({ store, jobs, config, logger, verifyAccessToken: await createTokenVerifier(config), allowedOrigins: config.allowedOrigins });
});
